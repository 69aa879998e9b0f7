/** The AI system inventory as CSV, attached to the weekly digest (a subset of `export inventory`). */
import type { Db } from '../../db/client';
import type { InventoryRow } from '../exports';
import { CSV_BOM, inventoryRows, toCsv } from '../exports';

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
 * UTF-8 BOM so that Excel opens names in any script correctly.
 */
export async function inventoryCsv(db: Db, workspaceId: number): Promise<string> {
  return CSV_BOM + toCsv(await inventoryRows(db, workspaceId), INVENTORY_COLUMNS);
}
