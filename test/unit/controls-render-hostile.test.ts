/** The control register and SoA views of every adapter, and the SoA Markdown file, rendered with hostile text. */
import { describe, expect, it } from 'vitest';
import { renderControlLine, renderControlsPage as shellPage, renderSoaSummary } from '../../adapters/shell/controls/render';
import { controlEditView, renderControlsPage as slackPage, renderSoaMessage } from '../../adapters/slack/controls/render';
import { controlEditCard, controlsCard, soaCard } from '../../adapters/teams/controls/cards';
import type { ControlEntry, ControlsPage, EditableControl, SoaDocument } from '../../flows';
import { soaHash, soaMarkdown, stripBidi } from '../../flows';
import { cardHazards, cardShows, HOSTILE, HOSTILE_TEXT, markdownHazards, slackHazards } from '../helpers/hostile-text';

const entry = (id: string, applicable: boolean): ControlEntry => ({
  control: id,
  group: HOSTILE,
  title: HOSTILE,
  custom: id.startsWith('X-'),
  applicable,
  derived_applicable: applicable,
  basis: applicable ? 'systems' : 'none',
  systems: [{ ref: 'AI-1', name: HOSTILE }],
  planned_systems: [{ ref: 'AI-2', name: HOSTILE }],
  obligations: [{ obligation: 'dpia', ref: 'GDPR Art. 35', duty: 'organisation', from: '2018-05-25', systems: ['AI-1'] }],
  risks: [{ ref: 'AI-1/R-1', source: 'other', description: HOSTILE, status: 'open' }],
  justification: HOSTILE_TEXT,
  justification_needed: !applicable,
  status: 'in_progress',
  owner: HOSTILE,
  owner_id: 'slack:U0BOB',
  evidence: [HOSTILE, 'https://wiki.example/x'],
  reviewed_at: '2026-11-02T09:00:00.000Z',
});

const entries = [entry('A.6.2.4', true), entry('X-1', false)];
const page: ControlsPage = { kind: 'controls', filter: 'all', page: 1, pages: 2, total: 12, entries, counts: { controls: 39, applicable: 20, implemented: 3, justificationNeeded: 4 } };
const snapshot = { organisation: HOSTILE, aims_scope: HOSTILE_TEXT, planned_systems: [{ ref: 'AI-2', name: HOSTILE }], controls: entries };
const draft: SoaDocument = { version: 'draft', approved_by: null, approved_by_id: null, approved_at: null, hash: soaHash(snapshot), snapshot };
const approved: SoaDocument = { ...draft, version: 'SoA-1', approved_by: HOSTILE, approved_by_id: 'slack:U0COMP', approved_at: '2026-11-02T09:00:00.000Z' };
const editable: EditableControl = { entry: entries[0]!, current: { status: 'in_progress', applicable: 'derived', owner: 'slack:U0BOB', evidence: [HOSTILE], justification: HOSTILE_TEXT } };

/** The only angle-bracket tokens Slack renders may carry: none here. */
const NONE = /^$/;

describe('control register and SoA views with hostile text', () => {
  it.each([
    ['register page', slackPage(page)],
    ['edit modal', controlEditView(editable, 'C0GENERAL')],
    ['SoA message, draft', renderSoaMessage(draft, null)],
    ['SoA message, unchanged since SoA-1', renderSoaMessage(draft, approved)],
  ])('Slack: %s leaves no live link, mention or bidirectional control', (_name, message) => {
    expect(slackHazards(message, NONE)).toEqual([]);
  });

  it.each([
    ['register card', controlsCard(page)],
    ['edit card', controlEditCard(editable, { id: 'aad-1', name: HOSTILE }, { justification: HOSTILE })],
    ['SoA card', soaCard(draft, approved, 'https://aims.example/api/soa/x')],
  ])('Teams: %s shows it as typed and nothing of it acts', (_name, card) => {
    expect(cardHazards(card)).toEqual([]);
    expect(cardShows(card, stripBidi(HOSTILE))).toBe(true);
  });

  it('the shell prints no bidirectional control', () => {
    for (const text of [shellPage(page), renderControlLine(entries[1]!), renderSoaSummary(draft, approved, '/tmp/x.md')]) {
      expect(text).toMatch(/Statement of Applicability|X-1/);
      expect(text).not.toMatch(/[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/);
    }
  });

  it('the Markdown file: every user text inert, one table row per control', () => {
    const md = soaMarkdown(approved);
    for (const line of md.split('\n')) expect(markdownHazards(line), line).toEqual([]);
    expect(md.split('\n').filter((l) => /^\| (A\.6\.2\.4|X-1) /.test(l))).toHaveLength(2);
    for (const row of md.split('\n').filter((l) => l.startsWith('| A.6.2.4') || l.startsWith('| X-1'))) expect(row.split(/(?<!\\)\|/).length).toBe(8);
  });
});
