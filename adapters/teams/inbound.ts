/**
 * The edge of `POST /api/messages`: what botbuilder's `CloudAdapter.process` did, with answers
 * of our own. An activity is checked with zod before botbuilder sees it (a `serviceUrl` of 42
 * made the connector throw, a 500); the Bot Framework token is checked next; only then does the
 * turn run. Answers never carry library text:
 * - 400 `malformed activity: <field> …` for a body that is not an activity the bot can act on;
 * - 401 when the token is missing, forged, expired or for another bot;
 * - 503 when the token cannot be checked because Bot Framework's signing keys cannot be fetched
 *   (network, DNS, their endpoint failing or slower than `authTimeoutMs`). We cannot tell a good
 *   token from a bad one then, so the honest answer is "not now", not "unauthorized"; nothing runs.
 */
import express from 'express';
import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Activity, InvokeResponse, TurnContext } from 'botbuilder';
import { CloudAdapter } from 'botbuilder';
import type { AuthenticateRequestResult, BotFrameworkAuthentication } from 'botframework-connector';
import type { WorkGate } from '../../flows/work-gate';
import { BUSY_MESSAGE } from '../../flows/work-gate';

/** A CloudAdapter that can run a turn whose request was authenticated by the caller. */
export class TeamsCloudAdapter extends CloudAdapter {
  /** Runs `logic` for `activity` with an authentication result from `authenticateRequest`. */
  runAuthenticated(auth: AuthenticateRequestResult, activity: Activity, logic: (context: TurnContext) => Promise<void>): Promise<InvokeResponse | undefined> {
    return this.processActivity(auth, activity, logic);
  }
}

const nonEmpty = z.string().min(1);
const optionalText = z.string().nullish();
const account = z.looseObject({ id: nonEmpty, name: optionalText, aadObjectId: optionalText, role: optionalText });
const httpUrl = z.string().refine((v) => {
  try {
    return ['http:', 'https:'].includes(new URL(v).protocol);
  } catch {
    return false;
  }
});

/**
 * The fields of an activity that botbuilder and the bot read. Every activity from the Bot
 * Connector has a sender, a conversation and a service URL; objects stay loose for what Teams adds.
 */
const inboundActivitySchema = z.looseObject({
  type: nonEmpty,
  id: optionalText,
  channelId: optionalText,
  serviceUrl: httpUrl,
  from: account,
  recipient: account.nullish(),
  conversation: z.looseObject({ id: nonEmpty, tenantId: optionalText, conversationType: optionalText, isGroup: z.boolean().nullish(), name: optionalText }),
  channelData: z
    .looseObject({ tenant: z.looseObject({ id: optionalText }).nullish(), channel: z.looseObject({ id: optionalText }).nullish() })
    .nullish(),
  text: optionalText,
  name: optionalText,
  action: optionalText,
  replyToId: optionalText,
  locale: optionalText,
  timestamp: optionalText,
  localTimestamp: optionalText,
  expiration: optionalText,
  entities: z.array(z.looseObject({ type: z.string() })).nullish(),
  attachments: z.array(z.looseObject({ contentType: z.string() })).nullish(),
  membersAdded: z.array(account).nullish(),
  membersRemoved: z.array(account).nullish(),
});

/** Why a body is not an activity the bot can act on, or null when it is. */
export function activityProblem(body: unknown): string | null {
  if (!body || typeof body !== 'object' || Array.isArray(body) || typeof (body as { type?: unknown }).type !== 'string') {
    return 'expected a Bot Framework activity (a JSON object with a type)';
  }
  const parsed = inboundActivitySchema.safeParse(body);
  if (parsed.success) return null;
  const path = parsed.error.issues[0]?.path.map(String).join('.') || '(body)';
  return `malformed activity: ${path} is missing or of the wrong type`;
}

/** Timestamps arrive as ISO strings; botbuilder keeps the raw text and works with Dates. */
function withDates(body: Record<string, unknown>): Activity {
  const a = body as Record<string, unknown>;
  for (const [field, raw] of [['timestamp', 'rawTimestamp'], ['localTimestamp', 'rawLocalTimestamp'], ['expiration', 'rawExpiration']] as const) {
    if (typeof a[field] === 'string') {
      a[raw] = a[field];
      a[field] = new Date(a[field]);
    }
  }
  return a as unknown as Activity;
}

/** A failed token check: refused (401) or impossible right now (503). */
function authFailure(err: unknown): 'refused' | 'unavailable' {
  const e = err as { statusCode?: unknown; name?: unknown } | null;
  if (e && (e.statusCode === 401 || e.statusCode === 403)) return 'refused';
  // jsonwebtoken's verdicts on a token it could check: bad signature, expired, not yet valid.
  if (e && ['JsonWebTokenError', 'TokenExpiredError', 'NotBeforeError'].includes(String(e.name))) return 'refused';
  return 'unavailable';
}

class AuthTimeout extends Error {}

function within<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new AuthTimeout(`token check took longer than ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** Options of `teamsInbound`. */
export interface TeamsInboundOptions {
  adapter: TeamsCloudAdapter;
  auth: BotFrameworkAuthentication;
  logic: (context: TurnContext) => Promise<void>;
  logger: Logger;
  /** How long the token check may take (fetching signing keys included) before a 503, in ms. */
  authTimeoutMs: number;
  /** Bounds the turns at work; beyond them a turn is answered "busy" and nothing runs (flows/work-gate.ts). */
  gate?: WorkGate | undefined;
}

/** The answer to an invoke that was shed: a message the client shows (task modules want theirs in `task`). */
function busyInvoke(activity: { name?: string | undefined }): { status: number; body: unknown } {
  const name = activity.name ?? '';
  if (name.startsWith('task/')) return { status: 200, body: { task: { type: 'message', value: BUSY_MESSAGE } } };
  return { status: 200, body: { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: BUSY_MESSAGE } };
}

const answer = (res: Response, status: number, error: string) => void res.status(status).json({ error });

/** The handlers to mount on `POST /api/messages`. */
export function teamsInbound(opts: TeamsInboundOptions): Array<RequestHandler | ErrorRequestHandler> {
  const { adapter, auth, logic, logger } = opts;

  const handle = async (req: Request, res: Response) => {
    const problem = activityProblem(req.body);
    if (problem) {
      logger.warn(`Teams request refused: ${problem}`);
      return answer(res, 400, problem);
    }
    const activity = withDates(req.body as Record<string, unknown>);
    const header = typeof req.headers.authorization === 'string' ? req.headers.authorization : '';
    let authenticated: AuthenticateRequestResult;
    try {
      authenticated = await within(auth.authenticateRequest(activity, header), opts.authTimeoutMs);
    } catch (err) {
      if (authFailure(err) === 'refused') {
        logger.warn({ reason: (err as Error).message }, 'Teams request refused: token not accepted');
        return answer(res, 401, 'unauthorized: a valid Bot Framework token is required');
      }
      logger.error({ reason: (err as Error).message }, 'Teams request refused: the token could not be checked (signing keys unreachable?)');
      res.setHeader('retry-after', '30');
      return answer(res, 503, 'the request could not be authenticated just now; try again later');
    }
    try {
      let invoke: Awaited<ReturnType<typeof adapter.runAuthenticated>>;
      if (opts.gate) {
        let failure: { err: unknown } | null = null;
        const { admission, done } = opts.gate.offer(
          async () => {
            try {
              invoke = await adapter.runAuthenticated(authenticated, activity, logic);
            } catch (err) {
              failure = { err };
            }
          },
          // Someone waits on an invoke's answer (a card button, a form): it goes first.
          { urgent: activity.type === 'invoke' },
        );
        if (admission === 'shed') {
          logger.warn({ type: activity.type, load: opts.gate.load() }, 'Teams: busy; turn shed');
          if (activity.type === 'invoke') {
            const busy = busyInvoke(activity);
            return void res.status(busy.status).json(busy.body);
          }
          // A message gets a short reply in its conversation, and nothing else runs.
          await adapter.runAuthenticated(authenticated, activity, async (context) => void (await context.sendActivity(BUSY_MESSAGE)));
          return void res.status(200).end();
        }
        await done;
        if (failure) throw (failure as { err: unknown }).err;
      } else invoke = await adapter.runAuthenticated(authenticated, activity, logic);
      res.status(invoke?.status ?? 200);
      if (invoke?.body !== undefined) res.json(invoke.body);
      else res.end();
    } catch (err) {
      // The bot's own failures end in onTurnError; what reaches here is ours, not the sender's.
      logger.error({ err }, 'Teams turn could not run');
      if (!res.headersSent) answer(res, 500, 'something went wrong on our side; nothing was changed');
    }
  };

  // Unparseable or oversized bodies: a short JSON answer instead of express's HTML page with a stack.
  const bodyErrors: ErrorRequestHandler = (err: { status?: number; type?: string }, _req, res, next) => {
    const status = typeof err.status === 'number' && err.status >= 400 && err.status < 500 ? err.status : 0;
    if (!status || res.headersSent) return next(err);
    answer(res, status, err.type === 'entity.too.large' ? 'activity too large' : 'malformed JSON');
  };

  return [express.json({ limit: '1mb' }), handle, bodyErrors];
}
