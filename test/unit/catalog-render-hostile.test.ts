/**
 * The catalog offer, the pre-filled registration and the edit form on Slack and Teams with
 * hostile text in every user field (system names, a typed name, edit values): nothing of it acts.
 */
import { describe, expect, it } from 'vitest';
import type { SystemView } from '../../flows';
import { catalogTool, parsePolicy, registrationPrefill, triagePolicyOf } from '../../flows';
import { classify } from '../../flows/triage/classify';
import { catalogOfferCard, editCard } from '../../adapters/teams/catalog';
import { prefilledRegistrationCard } from '../../adapters/teams/catalog/cards';
import { renderCatalogOffer } from '../../adapters/slack/catalog';
import { editModal } from '../../adapters/slack/catalog/actions';
import { registrationView } from '../../adapters/slack/form-views';
import { highAnswers } from '../fixtures/answers';
import { cardHazards, HOSTILE, HOSTILE_TEXT, slackHazards } from '../helpers/hostile-text';

const at = new Date('2026-11-02T09:00:00Z');
const person = { id: 1, platformId: 'slack:U0BOB', name: HOSTILE, email: null };
const system: SystemView = {
  id: 1, ref: 'AI-1', name: HOSTILE, vendor: HOSTILE, url: HOSTILE, purpose: HOSTILE_TEXT, owner: person, department: HOSTILE,
  usageStatus: 'in_use', status: 'approved', riskClass: 'high', nextReviewAt: at, submittedBy: person, createdAt: at,
  assessment: { id: 1, version: 1, questionnaireVersion: 2, answers: highAnswers, result: classify(highAnswers, triagePolicyOf(parsePolicy({}))), submittedBy: person, createdAt: at },
};

describe('catalog views with hostile text', () => {
  it('Slack: the offer, the pre-filled modal and the edit modal keep user text inert', () => {
    const entry = catalogTool('chatgpt')!;
    expect(slackHazards(renderCatalogOffer(entry, [system]), /^$/)).toEqual([]);
    const typed = registrationPrefill(HOSTILE.slice(0, 80));
    expect(slackHazards({ blocks: registrationView('k'.repeat(22), { ...typed.fields }).blocks }, /^$/)).toEqual([]);
    expect(slackHazards({ blocks: editModal(system).blocks }, /^$/)).toEqual([]);
  });

  it('Teams: the offer, the pre-filled card and the edit card keep user text inert', () => {
    const entry = catalogTool('hirevue')!;
    expect(cardHazards(catalogOfferCard(entry, [system]))).toEqual([]);
    expect(cardHazards(prefilledRegistrationCard(registrationPrefill(HOSTILE.slice(0, 80)), { id: 'x', name: HOSTILE }))).toEqual([]);
    expect(cardHazards(prefilledRegistrationCard(registrationPrefill('HireVue'), { id: 'x', name: 'Bob' }))).toEqual([]);
    expect(cardHazards(editCard(system))).toEqual([]);
  });
});
