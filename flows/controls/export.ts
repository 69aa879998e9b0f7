/**
 * `export soa` and `export controls`: one workspace's AIMS as a file. `soa` writes the latest
 * approved version, or the draft with `draft`; with no approved version and no `draft`, it
 * writes nothing and says how to approve one (the CLI exits 3), so a draft is never mistaken
 * for a signed-off statement.
 */
import { asc } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { workspaces } from '../../db/schema';
import type { Policy } from '../policy';
import { controlRegister } from './register';
import { latestSoa, soaDraft } from './soa';
import { controlsCsv, controlsJson, soaCsv, soaJson, soaMarkdown } from './soa-text';

/** Which workspace an export covers. */
export type ExportWorkspace = { id: number; label: string } | { error: string };

/** The workspace named `platform:externalId`, or the only one there is. */
export async function exportWorkspace(db: Db, spec: string | undefined): Promise<ExportWorkspace> {
  const all = (await db.select().from(workspaces).orderBy(asc(workspaces.id))).map((w) => ({ id: w.id, label: `${w.platform}:${w.externalId}` }));
  if (spec !== undefined) {
    // `slack:T0123`, or the bare team id, tenant id or `local` when only one platform has it (as export fria takes it).
    const bare = all.filter((w) => w.label.slice(w.label.indexOf(':') + 1) === spec);
    const found = all.find((w) => w.label === spec) ?? (bare.length === 1 ? bare[0] : undefined);
    return found ?? { error: `--workspace: no workspace "${spec}"; there are: ${all.map((w) => w.label).join(', ') || 'none'}` };
  }
  if (all.length === 1) return all[0]!;
  if (all.length === 0) return { error: 'there is no workspace yet: register a system first' };
  return { error: `there are ${all.length} workspaces; name one with --workspace: ${all.map((w) => w.label).join(', ')}` };
}

/** The text of an export, or why there is none. */
export type AimsExport = { text: string; rows: number; version: string } | { missing: string };

/** `export soa` for a workspace: the latest approved version, or the draft. */
export async function soaExport(db: Db, policy: Policy, workspaceId: number, format: 'csv' | 'json' | 'md', draft: boolean, version?: number): Promise<AimsExport> {
  const doc = draft ? await soaDraft(db, policy, workspaceId) : await latestSoa(db, workspaceId, version);
  if (!doc && version !== undefined) {
    const latest = await latestSoa(db, workspaceId);
    return { missing: `there is no SoA-${version}: ${latest ? `the approved versions are SoA-1 to ${latest.version}` : 'no Statement of Applicability has been approved yet'}` };
  }
  if (!doc) {
    return {
      missing:
        'no Statement of Applicability has been approved yet: compliance sends "/aims soa" in chat (or "soa" in the shell) and presses Approve; to write the unapproved draft instead, add --draft',
    };
  }
  const text = format === 'csv' ? soaCsv(doc) : format === 'json' ? soaJson(doc) : soaMarkdown(doc);
  return { text, rows: doc.snapshot.controls.length, version: doc.version };
}

/** `export controls` for a workspace: the register as it stands. */
export async function controlsExport(db: Db, workspaceId: number, format: 'csv' | 'json'): Promise<AimsExport> {
  const entries = await controlRegister(db, workspaceId);
  return { text: format === 'csv' ? controlsCsv(entries) : controlsJson(entries), rows: entries.length, version: 'current' };
}
