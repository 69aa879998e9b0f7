/**
 * The control register (ISO/IEC 42001 6.1.3, Annex A): the 38 Annex A controls and the
 * organisation-defined ones (`X-n`), each with its applicability derived from the live systems
 * (approved, not retired), the systems still waiting for approval (listed as planned), the
 * obligations of those systems, the risks treated with the control, and its implementation
 * state (`control_states`). Justifications name what makes a control apply; an excluded control
 * without a written justification is flagged "justification needed".
 */
import { and, asc, count, eq, inArray, ne } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { aiSystems, people } from '../../db/schema';
import { controlStates, risks, soaVersions } from '../../db/schema-aims';
import { ANNEX_A_CONTROLS } from '../annex-a';
import { riskRef } from '../refs';
import { loadSystemViews, systemRef } from '../views';
import type { SystemView } from '../views';

/** Implementation states of a control (aims.md). */
export const CONTROL_STATUSES = ['not_started', 'in_progress', 'implemented', 'not_applicable'] as const;
/** One implementation state. */
export type ControlStatus = (typeof CONTROL_STATUSES)[number];

/** Organisation-level controls: applicable whenever the AIMS exists (triage.md §10). */
export const ORGANISATION_CONTROLS: ReadonlySet<string> = new Set(['A.2.2', 'A.2.3', 'A.2.4', 'A.3.2', 'A.3.3']);

/** System statuses whose controls are planned: decided neither way yet. */
const PLANNED_STATUSES = ['pending_approval', 'changes_requested'] as const;

/** A system named in the register. */
export interface SystemLink {
  ref: string;
  name: string;
}

/** An obligation of the systems that need a control. */
export interface ControlObligation {
  obligation: string;
  /** Legal reference, e.g. `Art. 26`. */
  ref: string;
  duty: string | null;
  /** `YYYY-MM-DD` it applies from, or null (no fixed date). */
  from: string | null;
  /** The refs of the live systems it comes from. */
  systems: string[];
}

/** A risk whose treatment uses the control. */
export interface ControlRisk {
  ref: string;
  source: string;
  description: string;
  status: string;
}

/**
 * Why a control is (not) applicable: `systems` (live systems need it), `organisation`
 * (organisation-level, the AIMS exists), `organisation_defined` (an `X-n` control),
 * `override` (set by hand with a justification), `none` (nothing needs it).
 */
export type ApplicabilityBasis = 'systems' | 'organisation' | 'organisation_defined' | 'override' | 'none';

/** One control of the register; the same record is frozen into an SoA version (JSON keys snake_case). */
export interface ControlEntry {
  control: string;
  group: string;
  title: string;
  custom: boolean;
  applicable: boolean;
  /** What the derivation alone says, before any override. */
  derived_applicable: boolean;
  basis: ApplicabilityBasis;
  systems: SystemLink[];
  /** Systems waiting for approval that would need the control. */
  planned_systems: SystemLink[];
  obligations: ControlObligation[];
  risks: ControlRisk[];
  justification: string;
  /** Excluded (or overridden) without a written justification. */
  justification_needed: boolean;
  status: ControlStatus;
  owner: string | null;
  owner_id: string | null;
  evidence: string[];
  /** ISO time of the last edit, or null. */
  reviewed_at: string | null;
}

/** What the register is built from, read once per call. */
interface Sources {
  exists: boolean;
  live: SystemView[];
  planned: SystemView[];
  states: Map<string, typeof controlStates.$inferSelect & { ownerLabel: string | null; ownerPlatformId: string | null }>;
  risks: Array<ControlRisk & { controls: string[] }>;
}

const link = (s: SystemView): SystemLink => ({ ref: s.ref, name: s.name });
const refsOf = (xs: readonly SystemLink[]) => xs.map((s) => `${s.ref} ${s.name}`).join(', ');

async function loadSources(db: Db, workspaceId: number): Promise<Sources> {
  const rows = await db
    .select({ id: aiSystems.id, status: aiSystems.status })
    .from(aiSystems)
    .where(and(eq(aiSystems.workspaceId, workspaceId), inArray(aiSystems.status, ['approved', ...PLANNED_STATUSES])))
    .orderBy(asc(aiSystems.refNumber));
  const views = rows.length ? await loadSystemViews(db, workspaceId, rows.map((r) => r.id)) : [];
  const live = views.filter((s) => s.status === 'approved');
  const planned = views.filter((s) => (PLANNED_STATUSES as readonly string[]).includes(s.status));
  const stateRows = await db
    .select({ state: controlStates, ownerName: people.displayName, ownerPlatformId: people.platformId })
    .from(controlStates)
    .leftJoin(people, eq(people.id, controlStates.ownerId))
    .where(eq(controlStates.workspaceId, workspaceId))
    .orderBy(asc(controlStates.id));
  const states = new Map(stateRows.map((r) => [r.state.controlId, { ...r.state, ownerLabel: r.ownerName ?? r.ownerPlatformId, ownerPlatformId: r.ownerPlatformId }]));
  const riskRows = await db
    .select({ number: risks.number, source: risks.source, description: risks.description, status: risks.status, controls: risks.controls, refNumber: aiSystems.refNumber })
    .from(risks)
    .innerJoin(aiSystems, eq(aiSystems.id, risks.systemId))
    .where(and(eq(risks.workspaceId, workspaceId), eq(aiSystems.status, 'approved'), ne(risks.status, 'closed')))
    .orderBy(asc(aiSystems.refNumber), asc(risks.number));
  const [systemsCount] = await db.select({ n: count() }).from(aiSystems).where(eq(aiSystems.workspaceId, workspaceId));
  const [soaCount] = await db.select({ n: count() }).from(soaVersions).where(eq(soaVersions.workspaceId, workspaceId));
  return {
    exists: (systemsCount?.n ?? 0) > 0 || stateRows.length > 0 || (soaCount?.n ?? 0) > 0,
    live,
    planned,
    states,
    risks: riskRows.map((r) => ({ ref: riskRef(systemRef(r.refNumber), r.number), source: r.source, description: r.description, status: r.status, controls: r.controls })),
  };
}

/** The distinct obligations of the systems, with the systems each comes from, earliest date first. */
function obligationsOf(systems: readonly SystemView[]): ControlObligation[] {
  const byId = new Map<string, ControlObligation>();
  for (const s of systems) {
    for (const o of s.assessment?.result.obligations ?? []) {
      const key = `${o.id}|${o.applicableFrom ?? ''}`;
      const seen = byId.get(key) ?? { obligation: o.id, ref: o.ref, duty: o.duty ?? null, from: o.applicableFrom ?? null, systems: [] };
      if (!seen.systems.includes(s.ref)) seen.systems.push(s.ref);
      byId.set(key, seen);
    }
  }
  return [...byId.values()].sort((a, b) => (a.from ?? '9999').localeCompare(b.from ?? '9999') || a.obligation.localeCompare(b.obligation));
}

/** The derived reason a control applies: the systems, their obligations, the risks. */
function derivedJustification(basis: ApplicabilityBasis, e: Pick<ControlEntry, 'systems' | 'obligations' | 'risks'>, title: string | null): string {
  const parts: string[] = [];
  if (basis === 'organisation') parts.push('Organisation-level control: applies to the AI management system as a whole.');
  if (basis === 'organisation_defined') parts.push(`Organisation-defined control${title ? ` (${title})` : ''}.`);
  if (e.systems.length) parts.push(`Needed by the triage of ${refsOf(e.systems)}.`);
  if (e.obligations.length) {
    const ob = e.obligations.map((o) => `${o.obligation} (${o.ref}${o.duty ? `, ${o.duty}` : ''}${o.from ? `, from ${o.from}` : ''})`);
    parts.push(`Obligations: ${ob.join(', ')}.`);
  }
  if (e.risks.length) parts.push(`Treats risks ${e.risks.map((r) => `${r.ref} (${r.source})`).join(', ')}.`);
  return parts.join(' ');
}

/** One entry from the sources. */
function entryOf(src: Sources, id: string, group: string, title: string, custom: boolean): ControlEntry {
  const state = src.states.get(id);
  const needing = src.live.filter((s) => s.assessment?.result.controls.includes(id));
  const systems = needing.map(link);
  const planned = src.planned.filter((s) => s.assessment?.result.controls.includes(id)).map(link);
  const treating = src.risks.filter((r) => r.controls.includes(id)).map(({ controls: _c, ...r }) => r);
  const derivedBasis: ApplicabilityBasis = custom
    ? 'organisation_defined'
    : ORGANISATION_CONTROLS.has(id) && src.exists
      ? 'organisation'
      : systems.length || treating.length
        ? 'systems'
        : 'none';
  const derived = derivedBasis !== 'none';
  const override = state?.applicableOverride ?? null;
  const applicable = override ?? derived;
  const basis: ApplicabilityBasis = override !== null && override !== derived ? 'override' : derivedBasis;
  const obligations = obligationsOf(needing);
  const written = state?.justification?.trim() || null;
  const auto = applicable && basis !== 'override' ? derivedJustification(basis, { systems, obligations, risks: treating }, custom ? title : null) : '';
  const justification = auto && written ? `${auto} ${written}` : (written ?? auto);
  return {
    control: id,
    group,
    title,
    custom,
    applicable,
    derived_applicable: derived,
    basis,
    systems,
    planned_systems: planned,
    obligations,
    risks: treating,
    justification,
    justification_needed: !written && (!applicable || basis === 'override'),
    status: (state?.status as ControlStatus | undefined) ?? 'not_started',
    owner: state?.ownerLabel ?? null,
    owner_id: state?.ownerPlatformId ?? null,
    evidence: state?.evidence ?? [],
    reviewed_at: state?.reviewedAt?.toISOString() ?? null,
  };
}

/** The whole register of a workspace: Annex A in numeric order, then `X-1`, `X-2`, …. */
export async function controlRegister(db: Db, workspaceId: number): Promise<ControlEntry[]> {
  const src = await loadSources(db, workspaceId);
  const annex = ANNEX_A_CONTROLS.map((c) => entryOf(src, c.id, c.group, c.title, false));
  const custom = [...src.states.values()]
    .filter((s) => s.custom)
    .sort((a, b) => Number(a.controlId.slice(2)) - Number(b.controlId.slice(2)))
    .map((s) => entryOf(src, s.controlId, 'Organisation-defined controls', s.title ?? s.controlId, true));
  return [...annex, ...custom];
}

/** The systems waiting for approval, whose controls the register lists as planned. */
export async function plannedSystems(db: Db, workspaceId: number): Promise<SystemLink[]> {
  const rows = await db
    .select({ refNumber: aiSystems.refNumber, name: aiSystems.name })
    .from(aiSystems)
    .where(and(eq(aiSystems.workspaceId, workspaceId), inArray(aiSystems.status, [...PLANNED_STATUSES])))
    .orderBy(asc(aiSystems.refNumber));
  return rows.map((r) => ({ ref: systemRef(r.refNumber), name: r.name }));
}

/** Whether `id` names a control of the register: an Annex A id or an `X-n` (case as typed is normalised). */
export function normaliseControlId(text: string): string | null {
  const t = text.trim();
  const annex = ANNEX_A_CONTROLS.find((c) => c.id.toLowerCase() === t.toLowerCase() || c.id.slice(2) === t);
  if (annex) return annex.id;
  const m = /^x-(\d{1,6})$/i.exec(t);
  return m ? `X-${Number(m[1])}` : null;
}
