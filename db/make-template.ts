/**
 * Makes the embedded template (see embedded-template.ts) ahead of the first start: run at install
 * time by bin/prepare-embedded.js and at image build time. Prints where it is, or why not.
 */
import { migrationsFolder } from './client';
import { DEFAULT_TEMPLATE_CACHE, ensureTemplate } from './embedded-template';

try {
  const path = await ensureTemplate(DEFAULT_TEMPLATE_CACHE, migrationsFolder);
  process.stdout.write(`aimsbot: embedded database template ready in ${path}\n`);
} catch (err) {
  // Not fatal: the first start makes it, or starts without one.
  process.stdout.write(`aimsbot: embedded database template not made now (${err instanceof Error ? err.message : String(err)}); the first start will make it\n`);
}
