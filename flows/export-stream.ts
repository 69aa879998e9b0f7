/**
 * Exports as text, chunk by chunk: the inventory and the audit trail are read page by page
 * (keyset paging) and each page is turned into CSV or JSON text before the next is read, so an
 * export of 100,000 systems or a long trail never holds every row. The text is byte for byte
 * what the whole-array export wrote (a CSV with a UTF-8 BOM and header; JSON as
 * `JSON.stringify(rows, null, 2)` plus a newline).
 */
import type { Db } from '../db/client';
import type { ExportOptions } from './export-filter';
import { inventoryRecordPages } from './export-inventory';
import { auditRecordPages, CSV_BOM, EXPORT_COLUMNS, inventoryCells, toCsv } from './exports';
import { impactCells, impactRecordPages } from './impact/export';
import { riskCells, riskRecords } from './risks/export';
import { taskRecordPages } from './tasks/export';
import { ncCells, ncRecords } from './improvement/export';

/** Which export and in which format. */
export type ExportKind = 'inventory' | 'audit' | 'tasks' | 'risks' | 'impact' | 'nonconformities';
export type ExportFormat = 'csv' | 'json';

/** Counts what {@link exportChunks} wrote, once it is done. */
export interface ExportCount {
  rows: number;
}

/** The pages of rows (CSV cells or JSON records) of an export. */
async function* pagesOf(db: Db, kind: ExportKind, format: ExportFormat, o: ExportOptions): AsyncGenerator<object[]> {
  if (kind === 'inventory') {
    for await (const page of inventoryRecordPages(db, o)) yield format === 'csv' ? page.map((e) => inventoryCells(e.record, e.obligations)) : page.map((e) => e.record);
  } else if (kind === 'tasks') {
    yield* taskRecordPages(db, o);
  } else if (kind === 'impact') {
    for await (const page of impactRecordPages(db, o)) yield format === 'csv' ? page.map(impactCells) : page;
  } else if (kind === 'nonconformities') {
    const records = await ncRecords(db, o);
    yield format === 'csv' ? records.map(ncCells) : records;
  } else if (kind === 'risks') {
    const records = await riskRecords(db, o);
    yield format === 'csv' ? records.map(riskCells) : records;
  } else {
    for await (const page of auditRecordPages(db, o)) yield format === 'csv' ? page.map((r) => ({ ...r, data: JSON.stringify(r.data) })) : page;
  }
}

/** The export's text in chunks; `count.rows` holds the number of rows once the last chunk is out. */
export async function* exportChunks(db: Db, kind: ExportKind, format: ExportFormat, o: ExportOptions, count: ExportCount = { rows: 0 }): AsyncGenerator<string> {
  const columns = EXPORT_COLUMNS[kind] as readonly string[];
  if (format === 'csv') yield CSV_BOM + toCsv([] as Array<Record<string, unknown>>, columns);
  let first = true;
  for await (const page of pagesOf(db, kind, format, o)) {
    if (page.length === 0) continue;
    count.rows += page.length;
    if (format === 'csv') {
      yield toCsv(page as Array<Record<string, unknown>>, columns, false);
    } else {
      // Each element as JSON.stringify(array, null, 2) indents it: two spaces deeper.
      const body = page.map((r) => `  ${JSON.stringify(r, null, 2).replace(/\n/g, '\n  ')}`).join(',\n');
      yield `${first ? '[\n' : ',\n'}${body}`;
    }
    first = false;
  }
  if (format === 'json') yield first ? '[]\n' : '\n]\n';
}
