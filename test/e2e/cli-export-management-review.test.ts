/** `aimsbot export management-review <ref>`: Markdown on stdout; with --out the charts as PNG and the PDF beside it; clear refusals. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as flows from '../../flows';
import { createTestDatabase } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';
import { testClock } from '../helpers/clock';
import { actors, testPolicy } from '../helpers/flows';
import { fieldsFor, highAnswers } from '../fixtures/answers';

function cli(args: string[], url: string) {
  const r = spawnSync(process.execPath, ['bin/aimsbot.js', 'export', ...args], {
    env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'silent' },
    encoding: 'utf8',
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('aimsbot export management-review', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    const clock = testClock('2026-11-02T09:00:00Z');
    const { as } = actors(database.db, clock, testPolicy());
    await flows.register(await as('alice'), { fields: fieldsFor('CV Screen', 'shell:bob'), answers: highAnswers });
    clock.set('2026-12-01T09:00:00Z');
    const r = await flows.managementReviewCommand(await as('carol'), '');
    expect(r.ok).toBe(true);
  });
  afterAll(async () => database?.destroy());

  it('prints the Markdown pack on standard output', () => {
    const r = cli(['management-review', 'mr-2026-q4'], database.url!);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('# Management review MR-2026-Q4');
    expect(r.stdout).toContain('## 2. Changes in external and internal issues');
    expect(r.stdout).toContain('![Open nonconformities by age](mr-2026-q4-nc-ageing.png)');
  });

  it('with --out writes the Markdown, each chart as a PNG beside it and the PDF', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mr-export-'));
    const out = join(dir, 'review.md');
    const r = cli(['management-review', 'MR-2026-Q4', '--out', out], database.url!);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('wrote MR-2026-Q4');
    expect(readFileSync(out, 'utf8')).toContain('# Management review MR-2026-Q4');
    for (const name of ['mr-2026-q4-inventory-by-class.png', 'mr-2026-q4-review-timeliness.png', 'mr-2026-q4-nc-ageing.png']) {
      const png = readFileSync(join(dir, name));
      expect(flows.pngSize(png)?.width).toBeGreaterThan(400);
    }
    expect(readFileSync(join(dir, 'review.pdf')).subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('refuses --format, an unknown review and a malformed ref, writing nothing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mr-export-'));
    const fmt = cli(['management-review', 'MR-2026-Q4', '--format', 'csv', '--out', join(dir, 'x.md')], database.url!);
    expect(fmt.code).not.toBe(0);
    expect(fmt.stderr).toContain('takes no --format');
    const missing = cli(['management-review', 'MR-2025-Q1', '--out', join(dir, 'y.md')], database.url!);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no management review MR-2025-Q1');
    expect(cli(['management-review', 'AI-1'], database.url!).stderr).toContain('not a management review reference');
    expect(existsSync(join(dir, 'x.md')) || existsSync(join(dir, 'y.md'))).toBe(false);
  });
});
