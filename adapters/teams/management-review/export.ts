/**
 * `export management-review MR-2026-Q4` in Teams (compliance): the pack card again, with the
 * charts and the PDF and Markdown behind signed links (a bot cannot post files in a chat).
 */
import * as flows from '../../../flows';
import type { CardJson } from '../card-kit';
import { messageCard } from '../card-kit';
import type { FormTurn } from '../form-flow';
import { packCard } from './delivery';

/** The pack card of the review named in `arg` (`management-review <ref>`), or why not. */
export async function managementReviewExportCard(turn: FormTurn, arg: string): Promise<CardJson> {
  const ref = arg.trim().split(/\s+/)[1] ?? '';
  const files = await flows.managementReviewForChat(turn.ctx, ref);
  if ('kind' in files) return messageCard(files.message, { error: true });
  return packCard(files, (file) => turn.packLink?.(files.workspaceId, files.id, file) ?? null);
}
