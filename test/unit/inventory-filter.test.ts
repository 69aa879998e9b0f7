/** The `inventory` filter words, the FRIA Markdown escaping and the `export fria` arguments. */
import { describe, expect, it } from 'vitest';
import { filterText, literalMarkdown, parseInventoryFilter } from '../../flows';
import { jsonBeside, parseFriaArgs } from '../../src/commands/export-fria';
import { HOSTILE_TEXT, markdownHazards } from '../helpers/hostile-text';

describe('inventory filter', () => {
  it('reads words and keys, comma lists and quoted values, and writes them back without the page', () => {
    const r = parseInventoryFilter('High pending owner=@bob department="Human Resources" overdue page 3');
    expect(r).toEqual({ ok: true, filter: { classes: ['high'], statuses: ['pending_approval'], owner: '@bob', department: 'Human Resources', overdue: true, unregistered: false, page: 3 } });
    if (!r.ok) return;
    expect(filterText(r.filter)).toBe('class=high status=pending_approval owner=@bob department="Human Resources" overdue');
    expect(parseInventoryFilter('class=high,limited status:approved')).toMatchObject({ ok: true, filter: { classes: ['high', 'limited'], statuses: ['approved'] } });
    expect(parseInventoryFilter('')).toMatchObject({ ok: true, filter: { classes: [], page: 1 } });
  });

  it('refuses what it does not know, naming it', () => {
    expect(parseInventoryFilter('status=sleeping')).toMatchObject({ ok: false, message: expect.stringMatching(/^"sleeping" is not a status\./) });
    expect(parseInventoryFilter('colour=red')).toMatchObject({ ok: false, message: expect.stringMatching(/^"colour=red" is not an inventory filter\./) });
    expect(parseInventoryFilter('page=0')).toMatchObject({ ok: false, message: expect.stringContaining('page must be a whole number from 1') });
    expect(parseInventoryFilter('owner=')).toMatchObject({ ok: false, message: expect.stringContaining('"owner" needs a value') });
  });
});

describe('FRIA Markdown and arguments', () => {
  it('makes hostile text literal', () => {
    expect(markdownHazards(literalMarkdown(HOSTILE_TEXT))).toEqual([]);
    expect(literalMarkdown('a_b | c')).toBe('a\\_b \\| c');
  });

  it('parses export fria arguments and refuses --format', () => {
    expect(parseFriaArgs(['AI-3', '--out', 'x.md', '--workspace=T1'])).toEqual({ ref: 'AI-3', out: 'x.md', json: false, workspace: 'T1' });
    expect(parseFriaArgs(['3', '--json'])).toMatchObject({ ref: '3', json: true });
    expect(() => parseFriaArgs(['AI-3', '--format', 'csv'])).toThrow(/takes no --format/);
    expect(() => parseFriaArgs(['--out', 'x'])).toThrow(/needs a system reference/);
    expect(() => parseFriaArgs(['AI-3', '--out'])).toThrow(/--out needs a value/);
    expect(jsonBeside('dir/fria.MD')).toBe('dir/fria.json');
    expect(jsonBeside('fria')).toBe('fria.json');
  });
});
