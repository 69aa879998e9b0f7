/**
 * The Microsoft Teams adapter: botbuilder's CloudAdapter on `POST /api/messages` of the shared
 * HTTP server, a bot that turns commands and card actions into flow calls, and the deliverer of
 * the outbox. With an app id, requests need a valid Bot Framework token (401 otherwise, 503 when
 * the signing keys cannot be fetched); an empty app id turns authentication off, for local
 * testing only (config refuses it in production). Malformed activities get 400 (inbound.ts).
 */
import { discoveryRegister, saveEdit } from './catalog';
import type { Express } from 'express';
import type { Logger } from 'pino';
import type { AdaptiveCardInvokeResponse, AdaptiveCardInvokeValue } from 'botbuilder';
import type { CloudAdapter } from 'botbuilder';
import { CallerIdConstants, ConfigurationBotFrameworkAuthentication, TeamsActivityHandler, TurnContext } from 'botbuilder';
import { AuthenticationConstants } from 'botframework-connector';
import { inboundEvents } from '../../db/schema';
import type { Deliverer, FlowDeps } from '../../flows';
import * as flows from '../../flows';
import { handleApprovalAction } from './approval-actions';
import type { ApprovalAction } from './approval-actions';
import type { Answers } from '../../flows/triage/types';
import type { CardJson } from './card-kit';
import { cardAttachment, cardResponse, errorResponse, messageCard } from './card-kit';
import { timezoneOf } from '../../flows/display';
import { runCommand } from './commands';
import { inventory, startImpact, submitImpact } from './impact/actions';
import { handleRiskAction } from './risks';
import { handleIncidentAction } from './incidents';
import { handleNcAction } from './improvement';
import { handleAuditAction } from './audits';
import { AUDIT_REPORT_LINK_PATH, createAuditReportLinks } from './audits/report-link';
import { saveReference } from './conversation-refs';
import { createTeamsDeliverer } from './deliver';
import { TeamsCloudAdapter, teamsInbound } from './inbound';
import type { FormTurn } from './form-flow';
import { submitPage } from './form-flow';
import type { CardAction } from './parse-activity';
import { actorOf, cardInvokeData, commandOf, conversationKeyOf, isWellFormed, parseCardAction, userIdOf, workspaceOf } from './parse-activity';
import { createMemberDirectory } from './people';
import { handleReviewAction } from './review-actions';
import { teamsControlEdit, teamsSoaApprove } from './controls/actions';
import { createSoaLinks, SOA_LINK_PATH } from './controls/soa-link';
import { createPackLinks, PACK_LINK_PATH } from './management-review/pack-link';
import { handleTaskAction } from './tasks/actions';
import { handleSurveyAction } from './surveys';
import { systemCard } from './render-views';
import type { WorkGate, WorkLimits } from '../../flows/work-gate';
import { createWorkGate, DEFAULT_WORK_LIMITS } from '../../flows/work-gate';
import { createChannelListener, isOverheard } from './discovery/listen';

/** Teams settings (from config: MICROSOFT_APP_ID, _PASSWORD, _TENANT_ID, _TYPE). */
export interface TeamsSettings {
  /** The Azure bot's app id; '' turns authentication off (local testing only). */
  appId: string;
  appPassword: string | undefined;
  tenantId: string | undefined;
  /** MultiTenant (default), SingleTenant or UserAssignedMSI. */
  appType: string;
  /** Public base URL of this server (AIMS_PUBLIC_URL): SoA download links point there; none without it. */
  publicUrl?: string | undefined;
  /** Turns at work at once and waiting (AIMS_MAX_IN_FLIGHT, AIMS_MAX_QUEUED). Default `DEFAULT_WORK_LIMITS`. */
  limits?: WorkLimits | undefined;
}

/** Options of `createTeamsAdapter`. */
export interface TeamsAdapterOptions {
  deps: FlowDeps;
  config: TeamsSettings;
  logger: Logger;
  /** Called after a flow call that may have written notifications (wired to the dispatcher). */
  afterChange?: () => void;
  /**
   * The OpenID configuration URL where Bot Framework publishes the keys tokens are signed with.
   * Default: Microsoft's (botbuilder's defaults for channel and emulator tokens). Tests point it
   * at a local server.
   */
  openIdMetadataUrl?: string;
  /** How long checking a token may take, fetching the signing keys included, before a 503 (ms). Default 5000. */
  authTimeoutMs?: number;
  /** The gate bounding the turns at work (tests share one to fill it). Default: one of `config.limits`. */
  gate?: WorkGate;
}

/** A built Teams adapter. */
export interface TeamsAdapter {
  adapter: CloudAdapter;
  /** Mounts `POST /api/messages` on the shared express app. */
  install(app: Express): void;
  /** Delivers outbox notifications of Teams workspaces. */
  deliverer: Deliverer;
}

const INSTALL_TYPES = new Set(['installationUpdate', 'conversationUpdate']);
/** The activities the bot acts on; everything else is acknowledged and changes nothing. */
const ACTED_ON = new Set(['message', 'invoke', ...INSTALL_TYPES]);
const CARD_ACTION_INVOKE = 'adaptiveCard/action';

const outOfDate = () => messageCard('This card is out of date; type help for the commands.', { error: true });
const TRY_AGAIN = 'Something went wrong on our side; nothing was changed. Please try again.';

/** The warning logged when Teams runs without an app id. */
export const UNAUTHENTICATED_WARNING =
  'Teams is running unauthenticated — local testing only: anyone who can reach POST /api/messages can act as any Teams user. Set MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD for real use.';

/**
 * The public-cloud settings with signing keys read from `url`. Once one of these is given,
 * botbuilder takes all of them from the configuration, so all are given.
 */
function publicCloudWithKeysAt(url: string): Record<string, string> {
  const A = AuthenticationConstants;
  return {
    ToChannelFromBotLoginUrl: A.ToChannelFromBotLoginUrl,
    ToChannelFromBotOAuthScope: A.ToChannelFromBotOAuthScope,
    ToBotFromChannelTokenIssuer: A.ToBotFromChannelTokenIssuer,
    OAuthUrl: A.OAuthUrl,
    ToBotFromChannelOpenIdMetadataUrl: url,
    ToBotFromEmulatorOpenIdMetadataUrl: url,
    CallerId: CallerIdConstants.PublicAzureChannel,
  };
}

/** Builds the Teams adapter. */
export function createTeamsAdapter(opts: TeamsAdapterOptions): TeamsAdapter {
  const { deps, config, logger } = opts;
  const afterChange = opts.afterChange ?? (() => {});
  const auth = new ConfigurationBotFrameworkAuthentication({
    MicrosoftAppId: config.appId,
    MicrosoftAppPassword: config.appPassword ?? '',
    MicrosoftAppTenantId: config.tenantId ?? '',
    MicrosoftAppType: config.appType,
    ...(opts.openIdMetadataUrl ? publicCloudWithKeysAt(opts.openIdMetadataUrl) : {}),
  } as never);
  const adapter = new TeamsCloudAdapter(auth);
  const directory = createMemberDirectory();
  const soaLinks = createSoaLinks(deps, () => config.publicUrl, config.appPassword);
  const auditReportLinks = createAuditReportLinks(deps, () => config.publicUrl, config.appPassword);
  const packLinks = createPackLinks(deps, () => config.publicUrl, config.appPassword);
  const remembered = new Set<string>();

  adapter.onTurnError = async (context, err) => {
    logger.error({ err, activity: context.activity.type }, 'Teams turn failed');
    if (context.activity.type === 'message') {
      await context.sendActivity(TRY_AGAIN).catch(() => {});
    } else if (context.activity.type === 'invoke' && context.activity.name === CARD_ACTION_INVOKE) {
      // Failed before the handler answered (e.g. the database dropped while recording the
      // conversation): answer with an error response, or Teams gets a 501 and says nothing useful.
      await context.sendActivity({ type: 'invokeResponse', value: { status: 500, body: errorResponse(500, 'InternalError', TRY_AGAIN) } }).catch(() => {});
    }
  };

  /** Stores the conversation reference on install and the first time a conversation is seen. */
  const remember = async (context: TurnContext, workspaceId: number) => {
    const key = conversationKeyOf(context.activity);
    if (!key) return;
    const memo = `${workspaceId}/${key.key}`;
    if (remembered.has(memo) && !INSTALL_TYPES.has(context.activity.type)) return;
    const ref = TurnContext.getConversationReference(context.activity);
    const conversation = { ...ref.conversation!, id: key.conversationId };
    await saveReference(deps.db, workspaceId, key.key, { ...ref, activityId: undefined, conversation }, deps.clock.now());
    remembered.add(memo);
  };

  /** The roster as seen from a turn: the MRI Teams gives a member of its conversation. */
  const rosterOf = (context: TurnContext) => async (aad: string) => (await directory.lookup(context, aad))?.mri ?? null;

  /** The flow context and form helpers of a turn. */
  const turnOf = async (context: TurnContext): Promise<FormTurn | null> => {
    const activity = context.activity;
    const userId = userIdOf(activity);
    if (!userId) return null;
    const member = activity.from?.id ? await directory.lookup(context, activity.from.id) : null;
    const actor = actorOf(activity, member?.email)!;
    const ctx = await flows.flowContext(deps, workspaceOf(activity), actor);
    return { ctx, context, directory, speaker: { id: userId, name: activity.from?.name || userId }, afterChange, soaLink: (ws, hash) => soaLinks.link(ws, hash, deps.clock.now()), auditReportLink: (ws, id) => auditReportLinks.link(ws, id, deps.clock.now()), packLink: (ws, id, file) => packLinks.link(ws, id, file, deps.clock.now()) };
  };

  const handleAction = async (turn: FormTurn, action: CardAction, data: Record<string, unknown>): Promise<CardJson> => {
    switch (action.action) {
      case 'approval.approve':
      case 'approval.reject':
      case 'approval.request_changes':
      case 'approval.refresh':
      case 'approval.open':
        return handleApprovalAction(turn.ctx, action as ApprovalAction, afterChange, rosterOf(turn.context));
      case 'form.next':
        return submitPage(turn, { flow: action.flow, ref: action.ref, page: action.page, fields: action.fields, answers: action.answers as Answers, warned: action.warned, catalogId: action.catalogId }, data);
      case 'discovery.register':
        return discoveryRegister(turn, action);
      case 'system.edit':
        return saveEdit(turn, action.ref, data);
      case 'form.cancel':
        return messageCard('Cancelled; nothing was submitted.');
      case 'control.edit':
        return teamsControlEdit(turn, action.control, action.save === true || action.save === 'true', data);
      case 'soa.approve':
        return teamsSoaApprove(turn, action.hash);
      case 'risk.assess':
      case 'risk.add':
      case 'risk.edit':
      case 'risk.accept_residual':
        return handleRiskAction(turn, action, data);
      case 'incident.report':
      case 'incident.provider_informed':
      case 'incident.authority_reported':
        return handleIncidentAction(turn, action, data);
      case 'audit.plan':
      case 'finding.record':
        return handleAuditAction(turn, action, data);
      case 'show': {
        const r = await flows.show(turn.ctx, action.ref);
        return r.kind === 'refused' ? messageCard(r.message, { error: true }) : systemCard(r.system, r.request, undefined, timezoneOf(deps.policy));
      }
      case 'impact.open':
        return startImpact(turn.ctx, action.ref);
      case 'impact.submit':
        return submitImpact(turn, action.ref, data);
      case 'inventory.page':
        return inventory(turn.ctx, action.filter);
      case 'task.done':
      case 'task.not_applicable':
        return handleTaskAction(turn, action);
      case 'nc.raise':
      case 'nc.containment':
      case 'nc.root_cause':
      case 'nc.add_action':
      case 'nc.verify':
      case 'nc.close':
        return handleNcAction(turn, action, data);
      case 'survey.answer':
      case 'policy.acknowledge':
      case 'literacy.attest':
        return handleSurveyAction(turn, action, data);
      default:
        return handleReviewAction(turn, action);
    }
  };

  /** Marks a delivery as seen; false when Teams retried one already processed. */
  const firstDelivery = async (context: TurnContext): Promise<boolean> => {
    const a = context.activity;
    if (!a.id) return true;
    const rows = await deps.db
      .insert(inboundEvents)
      .values({ key: `teams:${a.conversation?.id ?? ''}:${a.id}`, receivedAt: deps.clock.now() })
      .onConflictDoNothing()
      .returning({ key: inboundEvents.key });
    return rows.length > 0;
  };

  const overheard = createChannelListener({ deps, logger, afterChange, firstDelivery });

  class AimsTeamsBot extends TeamsActivityHandler {
    constructor() {
      super();
      this.onMessage(async (context, next) => {
        if (!(await firstDelivery(context))) return next();
        const turn = await turnOf(context);
        if (!turn) return next();
        const value = context.activity.value as unknown;
        const action = value && typeof value === 'object' ? parseCardAction(value) : null;
        // Action.Submit from older clients arrives as a message with the data in `value`.
        const card = action
          ? await handleAction(turn, action, value as Record<string, unknown>)
          : await runCommand(turn, commandOf(context.activity.text ?? ''));
        await context.sendActivity({ type: 'message', attachments: [cardAttachment(card)] });
        await next();
      });
    }

    override async run(context: TurnContext): Promise<void> {
      const a = context.activity;
      const invoke = a.type === 'invoke';
      if (!ACTED_ON.has(a.type) || (invoke && a.name !== CARD_ACTION_INVOKE)) {
        // Typing, reactions, invokes of features the app does not declare: nothing to do.
        if (invoke) await context.sendActivity({ type: 'invokeResponse', value: { status: 200 } });
        return;
      }
      if (!isWellFormed(a)) {
        // Checked before anything is written: no workspace, person or reference from a bad payload.
        logger.warn({ type: a.type, name: a.name }, 'Teams activity without a valid from, conversation or serviceUrl; ignored');
        if (invoke) await context.sendActivity({ type: 'invokeResponse', value: { status: 400, body: errorResponse(400, 'BadRequest', 'activity lacks from, conversation or serviceUrl') } });
        return;
      }
      // A channel message not meant for the bot (discovery variant): never a command.
      if (isOverheard(a)) return overheard(context);
      if (invoke) {
        const data = cardInvokeData(a.value);
        if (!data || !parseCardAction(data)) {
          // Not one of our cards' actions (or a card of an older version): say so, write nothing.
          await context.sendActivity({ type: 'invokeResponse', value: { status: 200, body: cardResponse(outOfDate()) } });
          return;
        }
      }
      const ws = await flows.ensureWorkspace(deps, workspaceOf(a));
      await remember(context, ws.id);
      await super.run(context);
    }

    protected override async onAdaptiveCardInvoke(context: TurnContext, invokeValue: AdaptiveCardInvokeValue): Promise<AdaptiveCardInvokeResponse> {
      try {
        const raw = cardInvokeData(invokeValue) ?? {};
        const action = parseCardAction(raw);
        const turn = action ? await turnOf(context) : null;
        if (!action || !turn) return cardResponse(outOfDate()) as AdaptiveCardInvokeResponse;
        return cardResponse(await handleAction(turn, action, raw)) as AdaptiveCardInvokeResponse;
      } catch (err) {
        logger.error({ err }, 'Teams card action failed');
        return errorResponse(500, 'InternalError', TRY_AGAIN) as AdaptiveCardInvokeResponse;
      }
    }
  }

  const bot = new AimsTeamsBot();
  const logic = (context: TurnContext) => bot.run(context);

  return {
    adapter,
    deliverer: createTeamsDeliverer({ adapter, appId: config.appId, deps, logger, packLink: (ws, id, file) => packLinks.link(ws, id, file, deps.clock.now()) }),
    install(app) {
      // Said where requests are taken: a worker that only delivers has nothing to authenticate.
      if (!config.appId) logger.warn(UNAUTHENTICATED_WARNING);
      const gate = opts.gate ?? createWorkGate(config.limits ?? DEFAULT_WORK_LIMITS);
      app.get(`${SOA_LINK_PATH}/:token`, (req, res, next) => void soaLinks.handler(req, res).catch(next));
      app.get(`${AUDIT_REPORT_LINK_PATH}/:token`, (req, res, next) => void auditReportLinks.handler(req, res).catch(next));
      app.get(`${PACK_LINK_PATH}/:token`, (req, res, next) => void packLinks.handler(req, res).catch(next));
      app.post('/api/messages', ...teamsInbound({ adapter, auth, logic, logger, authTimeoutMs: opts.authTimeoutMs ?? 5000, gate }));
    },
  };
}
