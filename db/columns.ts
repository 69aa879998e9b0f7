/**
 * Column builders shared by the management-system schema files (schema-aims, schema-improve,
 * schema-discovery): an identity key, a time stamp with time zone, the workspace every row
 * belongs to, a person, and a calendar day.
 */
import { date, integer, timestamp } from 'drizzle-orm/pg-core';
import { people, workspaces } from './schema';

/** `id integer generated always as identity primary key` */
export const id = () => integer('id').primaryKey().generatedAlwaysAsIdentity();
/** A `timestamp with time zone` read as a Date. */
export const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
/** The workspace the row belongs to (every query filters on it). */
export const workspaceId = () =>
  integer('workspace_id')
    .notNull()
    .references(() => workspaces.id);
/** A person (people.id). */
export const personRef = (name: string) => integer(name).references(() => people.id);
/** A calendar date as `YYYY-MM-DD` (due dates are days, read in the policy's time zone). */
export const day = (name: string) => date(name, { mode: 'string' });
