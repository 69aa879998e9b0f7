/**
 * The Slack adapter on @slack/bolt. HTTP mode mounts Bolt's ExpressReceiver on the shared
 * express app at `POST /slack/events`, behind a gate (request-guard.ts) that checks the
 * signature and timestamp, the payload's shape and replays before Bolt sees the request: a
 * forged, stale, replayed or malformed request gets 401 or 400 before any handler runs. With an
 * app token it uses Socket Mode instead. Handlers acknowledge first and work after; events Slack retries
 * (`X-Slack-Retry-Num`) are recognised by their event id and processed once.
 * With OAuth settings the app serves many workspaces: Bolt's install routes, installations in
 * Postgres, and every call made with the token of the workspace it is about (oauth.ts).
 */
import { App, ExpressReceiver } from '@slack/bolt';
import type { webApi } from '@slack/bolt';
import type { Express } from 'express';
import { Router } from 'express';
import type { Deliverer, FlowDeps } from '../../flows';
import { inboundEvents } from '../../db/schema';
import type { Logger } from 'pino';
import { REASON_CALLBACK, registerApprovalActions } from './approval-actions';
import { cachedAuthorize } from './authorize';
import { registerCommands, SLASH_COMMAND } from './commands';
import { createSlackDeliverer } from './deliverer';
import { registerForms } from './form-handler';
import { createFormStore } from './form-store';
import type { FormStore } from './form-store';
import { FORM_BACK_ACTION, FORM_CALLBACK } from './form-views';
import { registerHome } from './home';
import { registerControlActions } from './controls/actions';
import { CONTROL_EDIT, SOA_APPROVE } from './controls/render';
import { registerImpact } from './impact/actions';
import { IMPACT_ACTIONS, IMPACT_CALLBACK } from './impact/render';
import { APPROVAL_ACTIONS, RESUBMIT_ACTION } from './render-request';
import { REVIEW_ACTIONS } from './render-review';
import { narrowListeners } from './listener-index';
import { createReplayStore } from './replay-store';
import { slackRequestGuard } from './request-guard';
import { registerReviewActions, SNOOZE_CALLBACK } from './review-actions';
import { registerTaskActions } from './tasks/actions';
import { TASK_ACTIONS } from './tasks/render-tasks';
import { registerRiskActions, RISK_ACTIONS, RISK_CALLBACK } from './risks';
import { INCIDENT_ACTIONS, INCIDENT_CALLBACK, registerIncidentActions } from './incidents';
import { NC_ACTIONS, registerNcActions } from './improvement';
import { AUDIT_IDS, registerAuditActions } from './audits';
import { DISCOVERY_REGISTER, registerCatalogActions, SYSTEM_EDIT_CALLBACK } from './catalog';
import { registerSurveyActions, SURVEY_ACTIONS } from './surveys';

/** The campaign buttons this adapter handles (`discovery.register` is registration's). */
const SURVEY_IDS = [SURVEY_ACTIONS.answer, SURVEY_ACTIONS.acknowledge, SURVEY_ACTIONS.attest];
import type { SlackOAuth, SlackOAuthSettings } from './oauth';
import { createSlackOAuth } from './oauth';
import type { SlackRuntime } from './runtime';
import { ackUnhandled } from './unhandled';
import { slackLogger } from './web-errors';
import { createWebApiFetch } from './web-fetch';
import { createWorkspaceClients } from './workspace-clients';
import type { WorkGateLoad, WorkLimits } from '../../flows/work-gate';
import { createWorkGate, DEFAULT_WORK_LIMITS } from '../../flows/work-gate';
import { gateSlackRequests } from './backpressure';
import { createPacedClient } from './pacer';
import { dropMessagesUnlessListening, registerDiscoveryListener } from './discovery/listen';

/** How long stopping waits for acknowledged work (ms). */
const STOP_GRACE_MS = 7_000;

/** Slack's own Web API. */
const SLACK_API = 'https://slack.com/api/';

/** Slack settings (from SLACK_* in the environment). */
export interface SlackSettings {
  /** Bot token (xoxb-…) of the one workspace; empty with `oauth`. */
  botToken: string;
  /** Signing secret for HTTP mode. */
  signingSecret: string;
  /** App-level token (xapp-…) for Socket Mode; absent for HTTP mode. */
  appToken: string | undefined;
  /** Web API base URL, e.g. https://slack.com/api/ */
  apiUrl: string;
  /** The OAuth install (many workspaces); absent: the one workspace of `botToken`. */
  oauth?: SlackOAuthSettings | undefined;
  /**
   * Pace the outbox's Web API calls by Slack's limits (pacer.ts). Default: on against Slack
   * itself (the default `apiUrl`), off against another URL (a local fake) unless set.
   */
  pacing?: boolean | undefined;
  /** Work behind the ack: concurrency and queue bounds (AIMS_MAX_IN_FLIGHT, AIMS_MAX_QUEUED). Default `DEFAULT_WORK_LIMITS`. */
  limits?: WorkLimits | undefined;
}

/** Options of `createSlackAdapter`. */
export interface SlackAdapterOptions {
  deps: FlowDeps;
  config: SlackSettings;
  logger: Logger;
  /** Called after a flow call that may have written notifications (wired to the dispatcher's kick). */
  afterChange: () => void;
  /** Use Socket Mode. Default: when `config.appToken` is set. */
  socketMode?: boolean;
}

/** A Slack adapter, ready to mount. */
export interface SlackAdapter {
  /** The Bolt app. */
  bolt: App;
  mode: 'http' | 'socket';
  /** Mounts `POST /slack/events` on the express app (HTTP mode; nothing in Socket Mode). */
  install(app: Express): void;
  /** Connects Socket Mode (no-op in HTTP mode). */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** The outbox deliverer for platform `slack`. */
  deliverer: Deliverer;
  /** Where the registration / triage modals keep their answers between pages. */
  forms: FormStore;
  /** Resolves when no Slack request is being handled (tests). */
  idle(): Promise<void>;
  /** Requests running, waiting and shed (backpressure.ts). */
  load(): WorkGateLoad;
}

/**
 * Web API client settings: each call is sent once; a 429 is reported, not waited for. Calls go
 * over Node's HTTP client with kept-alive connections (web-fetch.ts).
 */
function clientOptions(config: SlackAdapterOptions['config'], logger: Logger): webApi.WebClientOptions {
  return {
    slackApiUrl: config.apiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    logger: slackLogger(logger),
    fetch: createWebApiFetch(),
  };
}

/** Whether the outbox's calls are paced by Slack's limits (see `SlackSettings.pacing`). */
function pacingOn(config: SlackSettings): boolean {
  return config.pacing ?? config.apiUrl.replace(/\/+$/, '') === SLACK_API.replace(/\/+$/, '');
}

/**
 * Clients per workspace: one bot token, or each installation's token (OAuth). Requests use
 * `clients`; the outbox uses `delivery`, the same clients paced by Slack's limits when pacing is on.
 */
function workspaceClients(opts: Pick<SlackAdapterOptions, 'deps' | 'config' | 'logger'>) {
  const options = clientOptions(opts.config, opts.logger);
  const oauth: SlackOAuth | null = opts.config.oauth
    ? createSlackOAuth({ deps: opts.deps, settings: opts.config.oauth, apiUrl: opts.config.apiUrl, clientOptions: options, logger: opts.logger })
    : null;
  const base = { options, defaultToken: oauth ? '' : opts.config.botToken, tokenFor: oauth?.tokenFor };
  const clients = createWorkspaceClients(base);
  const delivery = pacingOn(opts.config) ? createWorkspaceClients({ ...base, makeClient: (token, o) => createPacedClient(token, o) }) : clients;
  return { options, oauth, clients, delivery };
}

/** The Slack deliverer alone, for processes that serve no Slack requests (worker, `jobs run`). */
export function createSlackDelivery(opts: Pick<SlackAdapterOptions, 'deps' | 'config' | 'logger'>): Deliverer {
  const { delivery } = workspaceClients(opts);
  return delivery.deliverer(createSlackDeliverer({ deps: opts.deps, client: delivery.client, directory: delivery.directory, logger: opts.logger }));
}

/** Builds the Slack adapter. */
export function createSlackAdapter(opts: SlackAdapterOptions): SlackAdapter {
  const { deps, config, logger } = opts;
  const socket = opts.socketMode ?? !!config.appToken;
  const { options, oauth, clients, delivery } = workspaceClients(opts);
  const router = Router();
  if (!socket) {
    const replay = createReplayStore({ db: deps.db });
    router.post('/slack/events', ...slackRequestGuard({ signingSecret: config.signingSecret, replay, logger }));
  }
  const receiver = socket
    ? undefined
    : new ExpressReceiver({
        signingSecret: config.signingSecret,
        // The guard mounted just above on the same route has checked the signature and the
        // timestamp of every request that reaches the receiver; checking them again would only
        // repeat the HMAC (and Bolt's comparison draws random bytes each time).
        signatureVerification: false,
        endpoints: '/slack/events',
        router,
        processBeforeResponse: false,
        logger: slackLogger(logger),
        ...(oauth ? oauth.receiverOptions(config.apiUrl) : {}),
      });
  // One client outside Bolt's request scope for answers and deliveries, with the same
  // one-request-per-call policy; it calls with the token of the workspace in scope.
  const client = clients.client;
  const bolt = new App({
    // auth.test runs once, on the first request, so start-up never blocks on Slack. With OAuth,
    // Bolt authorises each request from the installation store instead.
    ...(oauth ? {} : { authorize: cachedAuthorize(client, config.botToken) }),
    logger: slackLogger(logger),
    clientOptions: options,
    // No conversation store: nothing here reads `context.conversation`, and Bolt's default one
    // looks every request's channel up in memory and builds an Error (with its stack) for each miss.
    convoStore: false,
    ...(socket ? { socketMode: true, appToken: config.appToken } : { receiver }),
  });

  // Bounded work behind the ack: beyond the limits a request is answered "busy", never queued without end.
  const gate = createWorkGate(config.limits ?? DEFAULT_WORK_LIMITS);
  gateSlackRequests(bolt, gate, logger);

  const directory = clients.directory;
  const rt: SlackRuntime = { deps, directory, client, logger, forms: createFormStore(deps.db, deps.clock), afterChange: opts.afterChange };

  oauth?.register(bolt, clients);
  const inflight = new Set<Promise<void>>();
  bolt.use(async ({ next }) => {
    const p = next();
    inflight.add(p);
    try {
      await p;
    } finally {
      inflight.delete(p);
    }
  });
  bolt.use(dropMessagesUnlessListening(deps));
  bolt.use(async ({ body, next }) => {
    const b = body as { type?: string; event_id?: string };
    if (b.type === 'event_callback' && b.event_id) {
      // Slack retries an event it thinks we missed; the first delivery already did the work.
      const inserted = await deps.db
        .insert(inboundEvents)
        .values({ key: `slack:event:${b.event_id}`, receivedAt: deps.clock.now() })
        .onConflictDoNothing()
        .returning({ key: inboundEvents.key });
      if (inserted.length === 0) return;
    }
    await next();
  });

  bolt.use(
    ackUnhandled({
      actions: [
        ...Object.values(APPROVAL_ACTIONS), RESUBMIT_ACTION, FORM_BACK_ACTION, ...Object.values(REVIEW_ACTIONS), ...Object.values(IMPACT_ACTIONS), CONTROL_EDIT, SOA_APPROVE, ...Object.values(TASK_ACTIONS), ...Object.values(RISK_ACTIONS),
        ...Object.values(INCIDENT_ACTIONS),
        ...Object.values(NC_ACTIONS),
        AUDIT_IDS.finding,
        DISCOVERY_REGISTER,
        ...SURVEY_IDS,
      ],
      views: [
        FORM_CALLBACK, REASON_CALLBACK, SNOOZE_CALLBACK, IMPACT_CALLBACK, CONTROL_EDIT, ...Object.values(TASK_ACTIONS), RISK_CALLBACK,
        INCIDENT_CALLBACK,
        ...Object.values(NC_ACTIONS),
        ...Object.values(AUDIT_IDS),
        SYSTEM_EDIT_CALLBACK,
        SURVEY_ACTIONS.answer,
        SURVEY_ACTIONS.attest,
      ],
      commands: [SLASH_COMMAND],
    }),
  );

  registerCommands(bolt, rt);
  registerForms(bolt, rt);
  registerApprovalActions(bolt, rt);
  registerReviewActions(bolt, rt);
  registerControlActions(bolt, rt);
  registerTaskActions(bolt, rt);
  registerRiskActions(bolt, rt);
  registerIncidentActions(bolt, rt);
  registerNcActions(bolt, rt);
  registerAuditActions(bolt, rt);
  registerCatalogActions(bolt, rt);
  registerHome(bolt, rt);
  registerImpact(bolt, rt);
  registerDiscoveryListener(bolt, rt);
  registerSurveyActions(bolt, rt);
  bolt.error(async (err) => {
    logger.error({ err }, 'slack: unhandled error');
  });
  // Last of the global middleware: each request meets only the listeners of its own kind.
  narrowListeners(bolt);

  return {
    bolt,
    mode: socket ? 'socket' : 'http',
    install: (app) => {
      if (!socket) app.use(router);
    },
    start: async () => {
      if (socket) await bolt.start();
    },
    stop: async () => {
      if (socket) await bolt.stop();
      // Requests acknowledged and still waiting behind the ack are worked off before the
      // database closes; bounded so a shutdown still ends well within its grace period.
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<void>((r) => (timer = setTimeout(r, STOP_GRACE_MS)));
      await Promise.race([gate.idle(), grace]).finally(() => clearTimeout(timer));
      const { inFlight, queued } = gate.load();
      if (inFlight || queued) logger.warn({ inFlight, queued }, 'slack: stopped with requests still at work');
    },
    deliverer: delivery.deliverer(createSlackDeliverer({ deps, client: delivery.client, directory: delivery.directory, logger })),
    forms: rt.forms,
    load: () => gate.load(),
    idle: async () => {
      // A request's handlers start a moment after its response; give them a turn first.
      for (let quiet = 0; quiet < 2; ) {
        await new Promise((r) => setImmediate(r));
        const { inFlight, queued } = gate.load();
        if (inflight.size || inFlight || queued) {
          quiet = 0;
          await Promise.allSettled([...inflight, gate.idle()]);
        } else quiet += 1;
      }
    },
  };
}
