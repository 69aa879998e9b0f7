/**
 * Free text is cleaned once in flows: bidirectional controls never reach the database, names
 * with line breaks or control characters are refused with the field named and nothing written,
 * and reasons lose stray control characters.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { aiSystems, approvalSteps, auditEvents } from '../../db/schema';
import * as flows from '../../flows';
import { validateRegistration } from '../../flows/triage/validate';
import { createTestDatabase } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';
import { testClock } from '../helpers/clock';
import { actors } from '../helpers/flows';
import { fieldsFor, minimalAnswers } from '../fixtures/answers';

const RLO = '\u202E';
const BIDI = ['\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069', '\u200E', '\u200F', '\u061C'];

describe('registration fields', () => {
  it('strips every bidirectional control from every free-text field', () => {
    const r = validateRegistration({
      ...fieldsFor(`Helper${BIDI.join('')}exe.txt`, 'shell:bob'),
      vendor: `Ven${RLO}dor`,
      url: `https://acme.example/${RLO}a`,
      purpose: `Line one${RLO}\nLine two`,
      department: `\u2066Ops\u2069`,
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.fields).toMatchObject({ name: 'Helperexe.txt', vendor: 'Vendor', url: 'https://acme.example/a', purpose: 'Line one\nLine two', department: 'Ops' });
  });

  it('refuses line breaks and control characters in names, naming the field', () => {
    for (const [field, value] of [
      ['name', 'Chat\nHelper'],
      ['name', 'Chat\rHelper'],
      ['name', 'Chat\u2028Helper'],
      ['name', 'Chat\tHelper'],
      ['name', 'Chat\u0000Helper'],
      ['vendor', 'Acme\nAI'],
      ['department', 'Ops\u0007'],
      ['url', 'https://acme.example/\u0085x'],
    ] as const) {
      const r = validateRegistration({ ...fieldsFor('Chat Helper', 'shell:bob'), [field]: value });
      expect(r.ok, `${field}=${JSON.stringify(value)}`).toBe(false);
      if (r.ok) continue;
      const mine = r.errors.filter((e) => e.field === field);
      expect(mine.length, JSON.stringify(r.errors)).toBeGreaterThan(0);
      expect(mine[0]!.message).toMatch(/one line|control characters/);
    }
  });

  it('keeps line breaks and tabs in the purpose but refuses other control characters', () => {
    expect(validateRegistration({ ...fieldsFor('Chat Helper', 'shell:bob'), purpose: 'One\n\tTwo\r\nThree' }).ok).toBe(true);
    const r = validateRegistration({ ...fieldsFor('Chat Helper', 'shell:bob'), purpose: 'One\u0000Two' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors).toEqual([{ field: 'purpose', message: 'must not contain control characters; remove them' }]);
  });
});

describe('free text in flows', () => {
  let database: TestDatabase;
  const clock = testClock();
  let as: ReturnType<typeof actors>['as'];

  beforeAll(async () => {
    database = await createTestDatabase('pglite');
    ({ as } = actors(database.db, clock));
  });
  afterAll(async () => database?.destroy());

  it('a name with a line break is refused and nothing is written', async () => {
    const alice = await as('alice');
    const events = (await database.db.select().from(auditEvents)).length;
    const r = await flows.register(alice, { fields: fieldsFor('Chat\nHelper', 'shell:bob'), answers: minimalAnswers });
    expect(r.kind).toBe('refused');
    if (r.kind !== 'refused') return;
    expect(r.errors).toEqual([{ field: 'name', message: 'must be on one line; remove the line breaks' }]);
    expect(await database.db.select().from(aiSystems)).toHaveLength(0);
    expect(await database.db.select().from(auditEvents)).toHaveLength(events);
  });

  it('stores names and audit data without bidirectional controls', async () => {
    const alice = await as('alice');
    const r = await flows.register(alice, { fields: { ...fieldsFor(`Invoice${RLO}fdp.exe`, 'shell:bob'), purpose: `Reads ${RLO}invoices` }, answers: minimalAnswers });
    expect(r.kind).toBe('registered');
    if (r.kind !== 'registered') return;
    const [row] = await database.db.select().from(aiSystems).where(eq(aiSystems.id, r.system.id));
    expect(row).toMatchObject({ name: 'Invoicefdp.exe', purpose: 'Reads invoices' });
    const audit = await database.db.select().from(auditEvents).where(eq(auditEvents.action, 'system.registered'));
    expect(JSON.stringify(audit.map((a) => a.data))).not.toMatch(/\u202E|\\u202e/i);

    const bob = await as('bob');
    const d = await flows.decideStep(bob, { stepId: r.request.steps[0]!.id, decision: 'request_changes', reason: `Say ${RLO}more\u0000 about it\nplease` });
    expect(d.kind).toBe('recorded');
    const [step] = await database.db.select().from(approvalSteps).where(eq(approvalSteps.id, r.request.steps[0]!.id));
    expect(step!.reason).toBe('Say more about it\nplease');
  });
});
