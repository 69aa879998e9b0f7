/** The AI system inventory as CSV, attached to the weekly digest (a subset of `export inventory`). */
import type { Db } from '../../db/client';
import type { InventoryRow } from '../exports';
import { CSV_BOM, inventoryCells, inventoryRecordPages, toCsv } from '../exports';

/** Columns of the digest's inventory CSV, in order. */
export const INVENTORY_COLUMNS = [
  'ref',
  'name',
  'vendor',
  'url',
  'purpose',
  'owner',
  'owner_email',
  'department',
  'usage_status',
  'status',
  'risk_class',
  'approvers',
  'obligations',
  'next_review_at',
  'registered_at',
] as const satisfies readonly (keyof InventoryRow)[];

/**
 * Every system of a workspace (retired ones included, with their status), one row each, with a
 * UTF-8 BOM so that Excel opens names in any script correctly. Built from
 * {@link inventoryCsvChunks}: the rows are read page by page, never all at once.
 */
export async function inventoryCsv(db: Db, workspaceId: number): Promise<string> {
  const parts: string[] = [];
  for await (const chunk of inventoryCsvChunks(db, workspaceId)) parts.push(chunk);
  return parts.join('');
}

/** The same CSV as {@link inventoryCsv}, as text chunks (the BOM and header, then one per page). */
export async function* inventoryCsvChunks(db: Db, workspaceId: number): AsyncGenerator<string> {
  yield CSV_BOM + toCsv([], INVENTORY_COLUMNS);
  for await (const page of inventoryRecordPages(db, { workspaceId })) {
    yield toCsv(
      page.map((e) => inventoryCells(e.record, e.obligations)),
      INVENTORY_COLUMNS,
      false,
    );
  }
}
