/** The AI tool catalog file: enough tools, unique ids, names and domains, answers valid for questionnaire v2. */
import { describe, expect, it } from 'vitest';
import { catalog, nameKey } from '../../flows';
import { TRIAGE_QUESTIONS_V2 } from '../../flows/triage/triage-questions-v2';
import { validateAnswers } from '../../flows/triage/validate';

const tools = catalog().tools;

describe('AI tool catalog file', () => {
  it('has at least 60 tools with unique ids, https links and a source for the training statement', () => {
    expect(tools.length).toBeGreaterThanOrEqual(60);
    expect(new Set(tools.map((t) => t.id)).size).toBe(tools.length);
    for (const t of tools) {
      expect(t.url.startsWith('https://'), t.id).toBe(true);
      expect(t.trainsOnInputs.source, t.id).toMatch(/^https:\/\//);
      expect(t.trainsOnInputs.checkedAt <= catalog().reviewedAt, t.id).toBe(true);
    }
  });

  it('explains every statement it is not sure of in a note', () => {
    for (const t of tools) {
      const unsure = t.trainsOnInputs.consumer === 'unknown' || t.trainsOnInputs.business === 'unknown';
      if (unsure) expect(t.note, `${t.id} has an unknown training statement but no note`).toBeTruthy();
    }
  });

  it('gives no name, id or alias to two tools', () => {
    const owner = new Map<string, string>();
    for (const t of tools) {
      for (const n of [t.name, t.id, ...t.aliases]) {
        const key = nameKey(n);
        expect(key.length, `${t.id}: "${n}"`).toBeGreaterThan(1);
        const other = owner.get(key);
        expect(other === undefined || other === t.id, `"${n}" is both ${other} and ${t.id}`).toBe(true);
        owner.set(key, t.id);
      }
    }
  });

  it('gives no domain (nor a parent of it) to two tools', () => {
    const all = tools.flatMap((t) => t.domains.map((d) => ({ d, id: t.id })));
    for (const a of all) {
      for (const b of all) {
        if (a.id === b.id) continue;
        expect(a.d === b.d || a.d.endsWith(`.${b.d}`), `${a.id} ${a.d} overlaps ${b.id} ${b.d}`).toBe(false);
      }
    }
  });

  it('pre-fills only questions of questionnaire v2 with values they allow', () => {
    const byId = new Map(TRIAGE_QUESTIONS_V2.map((q) => [q.id, q]));
    for (const t of tools) {
      for (const [id, value] of Object.entries(t.answers)) {
        const q = byId.get(id);
        expect(q, `${t.id}: no question ${id}`).toBeDefined();
        const allowed = (q!.values ?? []).map((x) => x.id);
        if (q!.kind === 'bool') expect(typeof value, `${t.id}.${id}`).toBe('boolean');
        else if (q!.kind === 'one') expect(allowed, `${t.id}.${id}`).toContain(value);
        else {
          expect(Array.isArray(value), `${t.id}.${id}`).toBe(true);
          for (const x of value as unknown[]) expect(allowed, `${t.id}.${id}`).toContain(x);
        }
      }
      // Together they raise no problem of their own (only the questions still to answer are missing).
      const r = validateAnswers(t.answers);
      const own = r.ok ? [] : r.errors.filter((e) => e.field in t.answers && !/required|answer it/i.test(e.message));
      expect(own, t.id).toEqual([]);
    }
  });

  it('covers the kinds of tool the inventory needs', () => {
    const categories = new Set(tools.map((t) => t.category));
    for (const c of ['assistant', 'meeting_notes', 'writing', 'translation', 'code', 'image', 'video', 'voice', 'hr', 'crm', 'support']) {
      expect(categories.has(c as never), c).toBe(true);
    }
  });
});
