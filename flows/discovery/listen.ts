/**
 * Opt-in channel discovery (policy `discovery.listen`, off by default). A message in a channel
 * the bot is in that mentions a catalog tool nobody has registered gets one private nudge to its
 * author offering to register it — at most one per person and tool per {@link NUDGE_WINDOW_DAYS}
 * days. The nudge row is claimed with one conditional upsert, so concurrent or replayed events
 * nudge once. Nothing of the message is kept: only the tool, the person, the channel id and the
 * time (in `discovery_nudges`, `discovered_tools`, the outbox row and the audit event).
 */
import { lte, sql } from 'drizzle-orm';
import { discoveredTools, discoveryNudges } from '../../db/schema-discovery';
import { appendAudit, auditedTransaction } from '../audit';
import { enqueue } from '../outbox';
import type { FlowContext, FlowDeps } from '../ports';
import type { CatalogEntry } from './catalog';
import { findToolMentions } from './mentions';
import { unregisteredOf } from './unregistered';

/** A person hears about the same tool at most once in this many days. */
export const NUDGE_WINDOW_DAYS = 30;

const DAY_MS = 86_400_000;

/** Whether a person last nudged at `lastSentAt` about a tool may be nudged again at `now`. */
export function nudgeDue(lastSentAt: Date | null | undefined, now: Date): boolean {
  return !lastSentAt || now.getTime() - lastSentAt.getTime() >= NUDGE_WINDOW_DAYS * DAY_MS;
}

/** Whether channel messages are read at all (policy `discovery.listen`). */
export function listening(deps: Pick<FlowDeps, 'policy'>): boolean {
  return deps.policy.discovery.listen === true;
}

/**
 * Payload of the `discovery.nudge` notification → {person: author}: tell the author privately
 * that `name` is not registered and offer `discovery.register` for catalog id `tool`. On Slack
 * it is an ephemeral message in `channel` (the channel id where the tool was mentioned); on
 * Teams a personal message. `text` is the plain sentence.
 */
export interface DiscoveryNudgePayload {
  tool: string;
  name: string;
  vendor: string;
  channel: string;
  text: string;
}

/** The sentence of a nudge. */
export function nudgeText(entry: Pick<CatalogEntry, 'name'>): string {
  return `You mentioned ${entry.name}. It is not in the AI inventory yet: if you use it for work, register it so it can be checked (the answers we know are filled in for you). You will not hear about ${entry.name} from me again for ${NUDGE_WINDOW_DAYS} days.`;
}

/** What noticing one message did, per tool mentioned (for logs and tests; no message text). */
export interface NoticeResult {
  tool: string;
  /** `nudged`, `registered` (a live system has it), or `recent` (nudged within the window). */
  outcome: 'nudged' | 'registered' | 'recent';
}

/**
 * Reads one channel message by `ctx.actor` in `channel` (a platform channel id) for catalog
 * tools; nudges for each unregistered one. Does nothing unless the policy listens.
 */
export async function noticeChannelMessage(ctx: FlowContext, channel: string, text: string): Promise<NoticeResult[]> {
  if (!listening(ctx.deps)) return [];
  const mentioned = findToolMentions(text);
  if (mentioned.length === 0) return [];
  const open = new Set((await unregisteredOf(ctx.deps.db, ctx.workspace.id, mentioned)).map((e) => e.id));
  const out: NoticeResult[] = [];
  for (const entry of mentioned) {
    if (!open.has(entry.id)) out.push({ tool: entry.id, outcome: 'registered' });
    else out.push({ tool: entry.id, outcome: (await nudgeOnce(ctx, channel, entry)) ? 'nudged' : 'recent' });
  }
  return out;
}

/** Claims the person's nudge about `entry` and queues it, unless one was sent within the window. */
async function nudgeOnce(ctx: FlowContext, channel: string, entry: CatalogEntry): Promise<boolean> {
  const now = ctx.deps.clock.now();
  const cutoff = new Date(now.getTime() - NUDGE_WINDOW_DAYS * DAY_MS);
  const ws = ctx.workspace.id;
  const person = ctx.actor.id;
  return auditedTransaction(ctx.deps.db, async (tx) => {
    // One statement decides: a new row, or an old one past the window; a row within the window
    // (another event of the same message, a retry, a second message) changes nothing.
    const claimed = await tx
      .insert(discoveryNudges)
      .values({ workspaceId: ws, personId: person, toolKey: entry.id, channel, sentAt: now })
      .onConflictDoUpdate({
        target: [discoveryNudges.workspaceId, discoveryNudges.personId, discoveryNudges.toolKey],
        set: { channel, sentAt: now },
        setWhere: lte(discoveryNudges.sentAt, cutoff),
      })
      .returning({ first: sql<boolean>`(xmax = 0)` });
    const claim = claimed[0];
    if (!claim) return false;
    // A person counts once per tool: on their first nudge about it, unless a survey answer of
    // theirs already counted them.
    const newPerson = claim.first === true || String(claim.first) === 'true';
    const named = sql`exists (select 1 from survey_recipients where workspace_id = ${ws} and person_id = ${person} and answer -> 'keys' @> ${JSON.stringify([entry.id])}::jsonb)`;
    await tx
      .insert(discoveredTools)
      .values({ workspaceId: ws, toolKey: entry.id, catalogId: entry.id, name: entry.name, firstSource: 'channel', firstReportedById: person, reporters: 1, firstSeenAt: now, lastSeenAt: now })
      .onConflictDoUpdate({
        target: [discoveredTools.workspaceId, discoveredTools.toolKey],
        set: { lastSeenAt: now, reporters: newPerson ? sql`${discoveredTools.reporters} + (case when ${named} then 0 else 1 end)` : sql`${discoveredTools.reporters}` },
      });
    const payload: DiscoveryNudgePayload = { tool: entry.id, name: entry.name, vendor: entry.vendor, channel, text: nudgeText(entry) };
    await enqueue(tx, {
      workspaceId: ws,
      dedupeKey: `discovery.nudge:${ws}:${person}:${entry.id}:${now.toISOString()}`,
      kind: 'discovery.nudge',
      recipient: { person },
      payload: { ...payload },
      notBefore: now,
    });
    await appendAudit(tx, {
      workspaceId: ws,
      actor: 'system',
      action: 'discovery.nudged',
      subjectType: 'discovered_tool',
      subjectId: entry.id,
      data: { tool: entry.id, person: ctx.actor.platformId, channel, source: 'channel' },
      at: now,
    });
    return true;
  });
}
