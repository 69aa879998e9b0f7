/**
 * The audit criteria an internal audit can be planned against: the requirement clauses 4–10 of
 * ISO/IEC 42001:2023 (with their titles, for the report) and the controls of the register
 * (Annex A, and the organisation's own `X-n`).
 */
import { and, eq } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { controlStates } from '../../db/schema-aims';
import { ANNEX_A_CONTROLS } from '../annex-a';

/** The clauses of ISO/IEC 42001:2023 that hold requirements, by number. */
export const ISO_42001_CLAUSES: Readonly<Record<string, string>> = {
  '4': 'Context of the organization',
  '4.1': 'Understanding the organization and its context',
  '4.2': 'Understanding the needs and expectations of interested parties',
  '4.3': 'Determining the scope of the AI management system',
  '4.4': 'AI management system',
  '5': 'Leadership',
  '5.1': 'Leadership and commitment',
  '5.2': 'AI policy',
  '5.3': 'Roles, responsibilities and authorities',
  '6': 'Planning',
  '6.1': 'Actions to address risks and opportunities',
  '6.1.1': 'General',
  '6.1.2': 'AI risk assessment',
  '6.1.3': 'AI risk treatment',
  '6.1.4': 'AI system impact assessment',
  '6.2': 'AI objectives and planning to achieve them',
  '6.3': 'Planning of changes',
  '7': 'Support',
  '7.1': 'Resources',
  '7.2': 'Competence',
  '7.3': 'Awareness',
  '7.4': 'Communication',
  '7.5': 'Documented information',
  '7.5.1': 'General',
  '7.5.2': 'Creating and updating documented information',
  '7.5.3': 'Control of documented information',
  '8': 'Operation',
  '8.1': 'Operational planning and control',
  '8.2': 'AI risk assessment',
  '8.3': 'AI risk treatment',
  '8.4': 'AI system impact assessment',
  '9': 'Performance evaluation',
  '9.1': 'Monitoring, measurement, analysis and evaluation',
  '9.2': 'Internal audit',
  '9.2.1': 'General',
  '9.2.2': 'Internal audit programme',
  '9.3': 'Management review',
  '9.3.1': 'General',
  '9.3.2': 'Management review inputs',
  '9.3.3': 'Management review results',
  '10': 'Improvement',
  '10.1': 'Continual improvement',
  '10.2': 'Nonconformity and corrective action',
};

/** `9.2` as typed (`9.2`, ` 9.2 `, `clause 9.2`) to the clause number, or null when it is none of them. */
export function normaliseClause(text: string): string | null {
  const t = text.trim().replace(/^clause\s*/i, '');
  return Object.hasOwn(ISO_42001_CLAUSES, t) ? t : null;
}

/** The title of a clause, or of an Annex A / organisation control, for people to read. */
export function criterionTitle(id: string, customTitles: ReadonlyMap<string, string>): string {
  if (Object.hasOwn(ISO_42001_CLAUSES, id)) return ISO_42001_CLAUSES[id]!;
  return ANNEX_A_CONTROLS.find((c) => c.id === id)?.title ?? customTitles.get(id) ?? '';
}

/** The organisation-defined controls of a workspace (`X-n` → title). */
export async function customControls(db: Db, workspaceId: number): Promise<Map<string, string>> {
  const rows = await db
    .select({ id: controlStates.controlId, title: controlStates.title })
    .from(controlStates)
    .where(and(eq(controlStates.workspaceId, workspaceId), eq(controlStates.custom, true)));
  return new Map(rows.map((r) => [r.id, r.title ?? r.id]));
}
