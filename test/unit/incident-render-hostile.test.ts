/**
 * Every incident view on Slack and Teams with hostile text in every user field (system name,
 * owner, reporter, description, people affected): nothing acts — no live mention or link, no
 * markdown, no bidirectional control.
 */
import { describe, expect, it } from 'vitest';
import type { IncidentView } from '../../flows';
import { incidentClocks, incidentLines, parsePolicy } from '../../flows';
import { renderIncident, renderIncidentConfirmation } from '../../adapters/slack/incidents';
import { incidentCard, incidentConfirmationCard, incidentFormCard } from '../../adapters/teams/incidents';
import { HOSTILE, HOSTILE_TEXT, cardHazards, slackHazards } from '../helpers/hostile-text';

const view = (serious: boolean): IncidentView => ({
  id: 1,
  ref: 'INC-4',
  system: { id: 3, ref: 'AI-3', name: HOSTILE, riskClass: 'high', owner: HOSTILE },
  reportedBy: HOSTILE,
  occurredAt: '2026-11-29T16:30:00.000Z',
  reportedAt: '2026-11-30T10:00:00.000Z',
  description: HOSTILE_TEXT,
  harm: 'to_rights',
  harmLabel: 'Infringement of fundamental rights',
  peopleAffected: HOSTILE,
  serious,
  providerInformDueAt: serious ? '2026-11-30T10:00:00.000Z' : null,
  providerInformedAt: null,
  authorityReportDueAt: serious ? '2026-12-15T10:00:00.000Z' : null,
  authorityReportedAt: null,
  reportCase: serious ? 'general' : null,
  reportArticle: serious ? 'Art. 73(2)' : null,
  nc: serious ? 'NC-7' : null,
});

describe('incident views with hostile text', () => {
  for (const serious of [true, false]) {
    it(`Slack and Teams (${serious ? 'serious' : 'not serious'})`, () => {
      const notes = [HOSTILE];
      for (const m of [renderIncident(view(serious), 'Europe/Berlin', notes), renderIncidentConfirmation(view(serious), 'UTC')]) expect(slackHazards(m, /^$/)).toEqual([]);
      for (const c of [incidentCard(view(serious), 'Europe/Berlin', notes), incidentConfirmationCard(view(serious), 'UTC')]) expect(cardHazards(c)).toEqual([]);
      const buttons = JSON.stringify(renderIncident(view(serious), 'UTC').blocks);
      expect(buttons.includes('incident.provider_informed')).toBe(serious);
      expect(incidentLines(view(serious), 'UTC').join('\n')).toContain(serious ? 'due 2026-12-15 10:00 (UTC)' : 'Harm: Infringement of fundamental rights');
    });
  }

  it('the form card escapes a hostile system name and error', () => {
    const card = incidentFormCard(null, [{ ref: 'AI-3', name: HOSTILE }], { description: HOSTILE_TEXT }, { description: HOSTILE });
    expect(cardHazards(card)).toEqual([]);
  });

  it('the clocks: shortest applicable case, none unless serious and high-risk', () => {
    const policy = parsePolicy({});
    const at = new Date('2026-11-30T10:00:00Z');
    const days = (harm: 'to_person' | 'death_or_serious_health' | 'critical_infrastructure', widespread = false) =>
      (incidentClocks(policy, { serious: true, riskClass: 'high', harm, widespread, awareAt: at }).authorityReportDueAt!.getTime() - at.getTime()) / 86_400_000;
    expect(days('to_person')).toBe(15);
    expect(days('death_or_serious_health')).toBe(10);
    expect(days('critical_infrastructure')).toBe(2);
    expect(days('death_or_serious_health', true)).toBe(2);
    expect(incidentClocks(policy, { serious: true, riskClass: 'limited', harm: 'to_person', widespread: false, awareAt: at }).reportCase).toBeNull();
    expect(incidentClocks(policy, { serious: false, riskClass: 'high', harm: 'to_person', widespread: false, awareAt: at }).providerInformDueAt).toBeNull();
  });
});
