/**
 * The campaign views on both platforms with hostile text in every user and policy field: the
 * question, the answer's reply with its register buttons, and the `policy` reply. Nothing of it
 * may act (no live link, mention, formatting or bidirectional control).
 */
import { describe, expect, it } from 'vitest';
import type { PolicyView, SurveyAnswered, SurveyAskPayload } from '../../flows';
import { renderAnswered, renderPolicy, renderSurveyAsk } from '../../adapters/slack/surveys/render';
import { answeredCard, policyCard, surveyAskCard } from '../../adapters/teams/surveys/cards';
import { cardHazards, HOSTILE } from '../helpers/hostile-text';
import { slackHazards } from '../helpers/hostile-text';

const policy = { version: 3, url: 'https://wiki.example/ai-policy?a=1&b=2', summary: HOSTILE };
const ask = (kind: SurveyAskPayload['kind']): SurveyAskPayload => ({
  surveyId: 1,
  ref: 'S-2026-Q4',
  kind,
  reminder: false,
  closesOn: '2026-12-31',
  period: { start: '2026-09-01', end: '2026-12-01' },
  policy: kind === 'policy_ack' ? policy : null,
  text: `Which tools ${HOSTILE}`,
});
const answered: SurveyAnswered = { kind: 'answered', ref: 'S-2026-Q4', replaced: false, none: false, unregistered: [{ tool: null, name: HOSTILE }, { tool: 'chatgpt', name: 'ChatGPT' }], registered: [] };
const view: PolicyView = { ...policy, acknowledgedAt: null, literacy: { evidence: HOSTILE, attestedAt: new Date('2026-11-02T09:00:00Z') } };
// Our own tokens: the policy link.
const OURS = /^<https:\/\/wiki\.example\/ai-policy\?a=1&amp;b=2\|Read the AI policy>$/;

describe('campaign views with hostile text', () => {
  it('Slack: questions, the answer reply and the policy reply stay inert', () => {
    for (const kind of ['ai_use', 'policy_ack', 'literacy'] as const) expect(slackHazards(renderSurveyAsk(ask(kind)), OURS)).toEqual([]);
    const reply = renderAnswered(answered);
    expect(slackHazards(reply, OURS)).toEqual([]);
    expect(JSON.stringify(reply.blocks)).toContain('"value":"{\\"tool\\":\\"chatgpt\\"}"');
    expect(slackHazards(renderPolicy(view, 'UTC'), OURS)).toEqual([]);
  });

  it('Teams: questions, the answer card and the policy card stay inert', () => {
    for (const kind of ['ai_use', 'policy_ack', 'literacy'] as const) expect(cardHazards(surveyAskCard(ask(kind)))).toEqual([]);
    expect(cardHazards(answeredCard(answered))).toEqual([]);
    expect(cardHazards(policyCard(view, 'UTC'))).toEqual([]);
  });
});
