import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: ['./db/schema.ts', './db/schema-aims.ts', './db/schema-improve.ts', './db/schema-discovery.ts'],
  out: './db/migrations',
});
