/**
 * The gate in front of Bolt on `POST /slack/events`. It reads the raw body once and, before any
 * Bolt code runs:
 *  1. checks Slack's signature (v0 HMAC-SHA256 of `v0:<timestamp>:<body>`, compared in constant
 *     time) and that the timestamp is within five minutes of now — in the past or the future;
 *  2. parses the body as Bolt will, and checks its shape (payload-schema.ts);
 *  3. refuses a request whose signature was already accepted (replay-store.ts), on any replica.
 *     Slack's own retries of an event carry `X-Slack-Retry-Num` and a fresh signature; they pass
 *     here and are processed once by their event id, as before.
 * Answers: 401 (signature, timestamp, replay), 400 (malformed), 413 (too large). When the replay
 * check cannot reach the database, this replica's memory alone decides (see below). Bodies are short JSON sentences, never library text. The
 * raw body is handed on as `req.rawBody`, which Bolt's receiver reads instead of the stream
 * (Bolt then checks the signature again, which passes).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { parse as parseQuery } from 'node:querystring';
import express from 'express';
import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { isEventCallback, slackPayloadProblem } from './payload-schema';
import type { ReplayStore } from './replay-store';

/** How far a request's timestamp may be from now, either way (seconds). Slack's own limit. */
export const MAX_CLOCK_SKEW_SECONDS = 300;
/** Largest body read (Bolt's own default). */
const BODY_LIMIT = '4mb';
const FORM = 'application/x-www-form-urlencoded';

/** Options of `slackRequestGuard`. */
export interface SlackRequestGuardOptions {
  signingSecret: string;
  replay: ReplayStore;
  /**
   * How long the replay check may wait for the database before this replica's memory alone
   * decides (ms). Slack wants its answer within 3 s. Default 1 000.
   */
  replayCheckMs?: number;
  logger: Logger;
  /**
   * Wall-clock time in ms. Default `Date.now`. Freshness is about real time, so this is not the
   * flows' clock (which tests and `jobs run --at` move).
   */
  now?: () => number;
}

type Refusal = { status: number; body: Record<string, string> };

const refuse = (res: Response, r: Refusal) => void res.status(r.status).json(r.body);
const header = (req: Request, name: string) => {
  const v = req.headers[name];
  return typeof v === 'string' ? v : undefined;
};

/** Why the signature headers do not authenticate `raw` at `nowMs`, or null when they do. */
export function signatureProblem(secret: string, raw: Buffer, signature: string | undefined, timestamp: string | undefined, nowMs: number): string | null {
  if (!secret || !signature || !timestamp) return 'missing Slack signature';
  if (!/^\d{1,12}$/.test(timestamp)) return 'invalid Slack request timestamp';
  if (Math.abs(Math.floor(nowMs / 1000) - Number(timestamp)) > MAX_CLOCK_SKEW_SECONDS) return 'Slack request timestamp is more than five minutes from now';
  const expected = createHmac('sha256', secret).update(`v0:${timestamp}:`).update(raw).digest('hex');
  const given = /^v0=([0-9a-f]{64})$/.exec(signature)?.[1];
  if (!given || !timingSafeEqual(Buffer.from(given, 'hex'), Buffer.from(expected, 'hex'))) return 'invalid Slack signature';
  return null;
}

/** The body as Bolt parses it: form fields, the JSON of a `payload` field, or JSON. */
function parseBody(text: string, contentType: string | undefined): { body: unknown; fields: boolean } {
  if (contentType === FORM) {
    const fields = parseQuery(text);
    if (typeof fields.payload === 'string') return { body: JSON.parse(fields.payload) as unknown, fields: false };
    return { body: fields, fields: true };
  }
  return { body: JSON.parse(text) as unknown, fields: false };
}

/** Default of `replayCheckMs`. */
const REPLAY_CHECK_MS = 1000;

/** `p`, or a rejection once `ms` have passed (the work behind `p` goes on). */
function withinMs<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  p.catch(() => {}); // A late failure is nobody's to handle any more.
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

/** The middleware chain to mount before Bolt's receiver on the Slack endpoint. */
export function slackRequestGuard(opts: SlackRequestGuardOptions): Array<RequestHandler | ErrorRequestHandler> {
  const { signingSecret, replay, logger } = opts;
  const now = opts.now ?? Date.now;

  const check: RequestHandler = async (req, res, next) => {
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const signature = header(req, 'x-slack-signature');
    const unsigned = signatureProblem(signingSecret, raw, signature, header(req, 'x-slack-request-timestamp'), now());
    if (unsigned) {
      logger.warn(`slack: request refused (${unsigned})`);
      return refuse(res, { status: 401, body: { error: unsigned } });
    }
    let parsed: { body: unknown; fields: boolean };
    try {
      parsed = parseBody(raw.toString('utf8'), header(req, 'content-type'));
    } catch {
      return refuse(res, { status: 400, body: { error: 'the body is not valid JSON' } });
    }
    const problem = slackPayloadProblem(parsed.body, parsed.fields);
    if (problem) {
      logger.warn({ field: problem.field }, 'slack: malformed payload refused');
      return refuse(res, { status: 400, body: { error: `malformed Slack payload: ${problem.field} ${problem.message}` } });
    }
    const slackRetry = header(req, 'x-slack-retry-num') !== undefined && isEventCallback(parsed.body);
    if (!slackRetry) {
      let first: boolean;
      try {
        first = await withinMs(replay.firstSeen(`slack:${signature!}`), opts.replayCheckMs ?? REPLAY_CHECK_MS);
      } catch (err) {
        // The database is unreachable: this replica's memory has checked the request, and the
        // flow behind it will tell the person to try again if the database is still down. Refusing
        // here would show them Slack's own failure instead of our message.
        logger.warn({ err }, 'slack: replay check could not reach the database; checked by this replica only');
        first = true;
      }
      if (!first) {
        logger.warn('slack: replayed request refused');
        return refuse(res, { status: 401, body: { error: 'this request was already received' } });
      }
    }
    (req as Request & { rawBody?: Buffer }).rawBody = raw;
    next();
  };

  // Oversized or unreadable bodies: a short JSON answer instead of express's HTML error page.
  const bodyErrors: ErrorRequestHandler = (err: { status?: number; type?: string }, _req, res, next) => {
    const status = typeof err.status === 'number' && err.status >= 400 && err.status < 500 ? err.status : 0;
    if (!status || res.headersSent) return next(err);
    refuse(res, { status, body: { error: err.type === 'entity.too.large' ? 'request too large' : 'unreadable request body' } });
  };

  return [express.raw({ type: () => true, limit: BODY_LIMIT, inflate: false }), check, bodyErrors];
}
