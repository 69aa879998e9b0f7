/** Every nonconformity view rendered with hostile text (description, containment, root cause, actions, people): nothing acts in Slack or Teams. */
import { describe, expect, it } from 'vitest';
import type { NcView } from '../../flows';
import { ncModal, renderNc, renderNcNotice } from '../../adapters/slack/improvement/render';
import { ncCard, ncFormCard } from '../../adapters/teams/improvement/cards';
import { cardHazards, cardShows, HOSTILE, HOSTILE_TEXT, slackHazards } from '../helpers/hostile-text';

const view: NcView = {
  id: 1,
  ref: 'NC-1',
  source: 'complaint',
  severity: 'major',
  description: HOSTILE_TEXT,
  system: { ref: 'AI-1', name: HOSTILE },
  owner: { id: 1, label: HOSTILE, platformId: 'slack:U1' },
  status: 'verifying',
  statusLabel: 'verifying effectiveness',
  containment: HOSTILE_TEXT,
  rootCause: HOSTILE_TEXT,
  actions: [{ ref: 'T-1', title: HOSTILE, assignee: HOSTILE, dueDate: '2026-12-02', status: 'done' }],
  effectivenessDue: '2027-01-01',
  effective: false,
  verifiedBy: HOSTILE,
  verifiedOn: '2026-12-20',
  closedBy: HOSTILE,
  closedOn: '2026-12-21',
  createdOn: '2026-11-02',
  can: { containment: true, rootCause: true, addAction: true, verify: true, close: true },
};
const NONE = /^$/;

describe('nonconformity views with hostile text', () => {
  it('Slack: the view, the notice and the modals escape every user string', () => {
    for (const m of [renderNc(view, HOSTILE), renderNcNotice(HOSTILE_TEXT), { blocks: ncModal('nc.add_action', { ref: 'NC-1' }, 'intro').blocks }, { blocks: ncModal('nc.raise', {}).blocks }]) {
      expect(slackHazards(m, NONE)).toEqual([]);
    }
    expect(JSON.stringify(renderNc(view).blocks)).toContain('&lt;!channel&gt;');
    expect(JSON.stringify(renderNc(view).blocks)).toContain('"action_id":"nc.close"');
  });

  it('Teams: the card and the forms show the text as typed and nothing of it acts', () => {
    for (const card of [ncCard(view, HOSTILE), ncFormCard('nc.containment', 'NC-1', { containment: HOSTILE }, { containment: HOSTILE })]) {
      expect(cardHazards(card)).toEqual([]);
    }
    expect(cardShows(ncCard(view), '<!channel>')).toBe(true);
  });
});
