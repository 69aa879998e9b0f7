/**
 * Answers to the AI-use survey (`survey.answer`, fields `tools` and `other_tools`). The answer is
 * kept on the recipient's row; answering again replaces it (audited). Every named tool that is
 * not in the inventory (no live system with its catalog id or folded name) becomes or updates a
 * `discovered_tools` row, whose `reporters` counts the distinct people who named it; the reply
 * lists those tools so the respondent can register each with one click (`discovery.register`).
 */
import { and, eq, ne, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client';
import { aiSystems } from '../../../db/schema';
import { discoveredTools, surveyRecipients, surveys } from '../../../db/schema-discovery';
import { appendAudit, auditedTransaction } from '../../audit';
import type { FlowContext } from '../../ports';
import type { Refusal } from '../../results';
import { invalid, refuse } from '../../results';
import { stripBidi } from '../../triage/text';
import { nameKey } from '../../views';
import { catalogTool, matchCatalog } from '../catalog';
import { parseSurveyRef } from './refs';

/** Most tools one answer may name (catalog choices and free text together). */
export const ANSWER_MAX_TOOLS = 60;
/** Longest free-text tool name. */
const NAME_MAX = 80;

/** A tool an answer named that is not in the inventory. */
export interface UnregisteredTool {
  /** Catalog id, when the tool is in the catalog. */
  tool: string | null;
  name: string;
}

/** What recording an answer did. */
export interface SurveyAnswered {
  kind: 'answered';
  ref: string;
  /** True when an earlier answer was replaced. */
  replaced: boolean;
  none: boolean;
  /** Tools named that the inventory does not have (with `discovery.register` offered). */
  unregistered: UnregisteredTool[];
  /** Tools named that are registered already. */
  registered: string[];
}

/** The raw fields of the form. */
export interface AnswerInput {
  /** Catalog ids chosen, and `none`. */
  tools: readonly string[];
  /** Other tools, comma or line separated. */
  otherTools: string;
}

type Named = { key: string; tool: string | null; name: string };

/** Validates the answer: known choices, names of sane length, "none" alone. */
export function parseAnswer(input: AnswerInput): { none: boolean; named: Named[] } | Refusal {
  let none = input.tools.includes('none');
  const named = new Map<string, Named>();
  for (const id of input.tools) {
    if (id === 'none') continue;
    const entry = catalogTool(id);
    if (!entry) return invalid([{ field: 'tools', message: `"${id.slice(0, 40)}" is not a tool of the list; pick from the list or name it under other tools.` }]);
    named.set(entry.id, { key: entry.id, tool: entry.id, name: entry.name });
  }
  for (const raw of stripBidi(input.otherTools).split(/[,\n;]+/)) {
    const name = raw.replace(/\s+/g, ' ').trim();
    if (!name) continue;
    // "none" typed as a name means the choice "none" (the shell and clients without the list).
    if (nameKey(name) === 'none') {
      none = true;
      continue;
    }
    if (name.length > NAME_MAX) return invalid([{ field: 'other_tools', message: `"${name.slice(0, 30)}…" is longer than ${NAME_MAX} characters; give the tool's name only.` }]);
    const entry = matchCatalog(name);
    const key = entry ? entry.id : `name:${nameKey(name)}`;
    if (!entry && !nameKey(name)) continue;
    if (!named.has(key)) named.set(key, { key, tool: entry?.id ?? null, name: entry?.name ?? name });
  }
  if (none && named.size > 0) return invalid([{ field: 'tools', message: 'You chose "none" and named tools; choose either "none" or the tools you used.' }]);
  if (!none && named.size === 0) return invalid([{ field: 'tools', message: 'Pick the tools you used, name them under other tools, or choose "none".' }]);
  if (named.size > ANSWER_MAX_TOOLS) return invalid([{ field: 'tools', message: `Name at most ${ANSWER_MAX_TOOLS} tools.` }]);
  return { none, named: [...named.values()] };
}

/**
 * Which of the named tools the workspace's inventory has (a system, not retired, with the catalog
 * id or folded name): the same test channel discovery and the digest use (and `check` finds the
 * system too), so a rejected system is not offered for registration again, which would only be
 * refused as a duplicate.
 */
async function inInventory(tx: Db, workspaceId: number, named: readonly Named[]): Promise<Set<string>> {
  const live = await tx
    .select({ catalogId: aiSystems.catalogId, nameKey: aiSystems.nameKey })
    .from(aiSystems)
    .where(and(eq(aiSystems.workspaceId, workspaceId), ne(aiSystems.status, 'retired')));
  const ids = new Set(live.map((l) => l.catalogId).filter((c): c is string => !!c));
  const keys = new Set(live.map((l) => l.nameKey));
  const found = new Set<string>();
  for (const n of named) {
    const entry = n.tool ? catalogTool(n.tool) : undefined;
    const names = entry ? [entry.name, ...entry.aliases] : [n.name];
    if ((n.tool && ids.has(n.tool)) || names.some((x) => keys.has(nameKey(x)))) found.add(n.key);
  }
  return found;
}

/** Records the actor's answer to an AI-use campaign (`ref`), replacing an earlier one. */
export async function answerSurvey(ctx: FlowContext, refText: string, input: AnswerInput): Promise<SurveyAnswered | Refusal> {
  const ref = parseSurveyRef(refText);
  if (!ref) return refuse('not_found', `There is no survey ${refText.slice(0, 30)}.`);
  const parsed = parseAnswer(input);
  if ('kind' in parsed) return parsed;
  const now = ctx.deps.clock.now();
  const ws = ctx.workspace.id;
  return auditedTransaction(ctx.deps.db, async (tx) => {
    const [s] = await tx.select().from(surveys).where(and(eq(surveys.workspaceId, ws), eq(surveys.ref, ref)));
    if (!s || s.kind !== 'ai_use') return refuse('not_found', `There is no AI-use survey ${ref}.`);
    const [mine] = await tx
      .select()
      .from(surveyRecipients)
      .where(and(eq(surveyRecipients.surveyId, s.id), eq(surveyRecipients.personId, ctx.actor.id)))
      .for('update');
    if (!mine) return refuse('not_allowed', `You were not asked in survey ${ref}; nothing was recorded.`);
    if (s.closesAt.getTime() <= now.getTime()) return refuse('closed', `Survey ${ref} closed on ${s.closesAt.toISOString().slice(0, 10)}; your answer was not recorded.`);
    const registered = await inInventory(tx, ws, parsed.named);
    const keys = parsed.named.map((n) => n.key);
    const answer = { tools: parsed.named.filter((n) => n.tool).map((n) => n.tool), other: parsed.named.filter((n) => !n.tool).map((n) => n.name), none: parsed.none, keys };
    await tx.update(surveyRecipients).set({ answer, respondedAt: now }).where(and(eq(surveyRecipients.surveyId, s.id), eq(surveyRecipients.personId, ctx.actor.id)));
    const unregistered = parsed.named.filter((n) => !registered.has(n.key));
    for (const n of unregistered) {
      await tx
        .insert(discoveredTools)
        .values({ workspaceId: ws, toolKey: n.key, catalogId: n.tool, name: n.name, firstSource: 'survey', firstReportedById: ctx.actor.id, reporters: 1, firstSeenAt: now, lastSeenAt: now })
        .onConflictDoUpdate({ target: [discoveredTools.workspaceId, discoveredTools.toolKey], set: { lastSeenAt: now } });
      // Distinct people whose latest answers name the tool (a person answering twice counts once),
      // together with the people channel discovery found mentioning it (one person, once).
      await tx.execute(sql`
        update discovered_tools set reporters = greatest(reporters, (
          select count(*)::int from (
            select person_id from survey_recipients
            where workspace_id = ${ws} and answer -> 'keys' @> ${JSON.stringify([n.key])}::jsonb
            union
            select person_id from discovery_nudges where workspace_id = ${ws} and tool_key = ${n.key}) named))
        where workspace_id = ${ws} and tool_key = ${n.key}`);
    }
    await appendAudit(tx, {
      workspaceId: ws,
      actor: ctx.actor.platformId,
      action: mine.respondedAt ? 'survey.reanswered' : 'survey.answered',
      subjectType: 'survey',
      subjectId: ref,
      data: { ...answer, previous: mine.answer ?? null, unregistered: unregistered.map((u) => u.key) },
      at: now,
    });
    return {
      kind: 'answered' as const,
      ref,
      replaced: mine.respondedAt !== null,
      none: parsed.none,
      unregistered: unregistered.map((u) => ({ tool: u.tool, name: u.name })),
      registered: parsed.named.filter((n) => registered.has(n.key)).map((n) => n.name),
    };
  });
}
