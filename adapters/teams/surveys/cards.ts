/**
 * Teams cards for campaigns: the question in a personal chat (AI use: `Input.ChoiceSet` multi
 * `tools`, `Input.Text` `other_tools`, submitted as `survey.answer` with `survey`; the AI policy
 * with `policy.acknowledge` and `version`; literacy with `Input.Text` `evidence` and
 * `literacy.attest`), the reply to an answer with a `discovery.register` button per unregistered
 * tool, and the `policy` card. User and policy text is escaped by the card kit.
 */
import type { PolicyView, SurveyAnswered, SurveyAskPayload, SurveyChoice } from '../../../flows';
import * as flows from '../../../flows';
import type { CardJson } from '../card-kit';
import { adaptiveCard, day, executeAction, heading, markdown, textBlock } from '../card-kit';

/** The AI-use inputs. */
function answerInputs(choices: readonly SurveyChoice[], error?: string): CardJson[] {
  return [
    {
      type: 'Input.ChoiceSet',
      id: 'tools',
      label: 'Tools from the list (or "None")',
      isMultiSelect: true,
      style: 'filtered',
      choices: choices.map((c) => ({ title: c.name, value: c.id })),
    },
    { type: 'Input.Text', id: 'other_tools', label: 'Other tools (names separated by commas or lines)', isMultiline: true, maxLength: 2000 },
    ...(error ? [textBlock(error, { color: 'Attention' })] : []),
  ];
}

/** The policy's address as text (escaped) and, when it is an http(s) address, a button that opens it. */
function policyLink(url: string): CardJson {
  return textBlock(url, { isSubtle: true });
}

function openPolicy(url: string): CardJson[] {
  return /^https?:\/\//.test(url) ? [{ type: 'Action.OpenUrl', title: 'Read the AI policy', url }] : [];
}

/** The AI-use form (also shown again with the problem after a refused answer). */
export function surveyAnswerCard(ref: string, text: string, error?: string): CardJson {
  return adaptiveCard([textBlock(text), ...answerInputs(flows.surveyChoices(), error)], {
    actions: [executeAction('Send answer', { action: 'survey.answer', survey: ref }, { style: 'positive' })],
  });
}

/** The literacy form. */
export function literacyCard(ref: string, error?: string): CardJson {
  return adaptiveCard(
    [
      textBlock('Confirm that you completed AI literacy training (EU AI Act Art. 4, ISO/IEC 42001 7.2).'),
      { type: 'Input.Text', id: 'evidence', label: 'Evidence: an https:// link or which training and when', isMultiline: true, maxLength: flows.EVIDENCE_MAX },
      ...(error ? [textBlock(error, { color: 'Attention' })] : []),
    ],
    { actions: [executeAction('Confirm', { action: 'literacy.attest', survey: ref, submit: true }, { style: 'positive' })] },
  );
}

/** The question (or reminder) of a campaign. */
export function surveyAskCard(p: SurveyAskPayload): CardJson {
  if (p.kind === 'ai_use') return surveyAnswerCard(p.ref, p.text);
  if (p.kind === 'literacy') return literacyCard(p.ref);
  const body: CardJson[] = [textBlock(p.text)];
  if (p.policy) body.push(heading(`AI policy, version ${p.policy.version}`), textBlock(p.policy.summary), policyLink(p.policy.url));
  return adaptiveCard(body, p.policy ? { actions: [executeAction('I have read and acknowledge it', { action: 'policy.acknowledge', version: String(p.policy.version) }, { style: 'positive', associatedInputs: 'none' }), ...openPolicy(p.policy.url)] } : {});
}

/** The reply to an answer. */
export function answeredCard(r: SurveyAnswered): CardJson {
  const lead = `${r.replaced ? 'Your answer to' : 'Thank you: your answer to'} survey ${r.ref} ${r.replaced ? 'was replaced' : 'is recorded'}.`;
  const body: CardJson[] = [textBlock(lead)];
  if (r.unregistered.length > 0) {
    body.push(textBlock('These tools are not in the AI inventory yet. Registering one takes a minute; the form is pre-filled where we know the tool:'));
    for (const t of r.unregistered) {
      body.push({
        type: 'ColumnSet',
        columns: [
          { type: 'Column', width: 'stretch', items: [textBlock(markdown`**${t.name}**`)] },
          { type: 'Column', width: 'auto', items: [{ type: 'ActionSet', actions: [executeAction('Register', { action: 'discovery.register', ...(t.tool ? { tool: t.tool } : { name: t.name }) }, { associatedInputs: 'none' })] }] },
        ],
      });
    }
  }
  return adaptiveCard(body);
}

/** The reply to `policy`. */
export function policyCard(v: PolicyView, tz: string): CardJson {
  const ack = v.acknowledgedAt ? `✅ You acknowledged version ${v.version} on ${day(v.acknowledgedAt, tz)}.` : `You have not acknowledged version ${v.version} yet.`;
  const lit = v.literacy ? `Your latest AI literacy attestation: ${day(v.literacy.attestedAt, tz)} (${v.literacy.evidence}).` : 'You have not confirmed AI literacy training yet.';
  return adaptiveCard([heading(`AI policy, version ${v.version}`), textBlock(v.summary), policyLink(v.url), textBlock(ack, { isSubtle: true }), textBlock(lit, { isSubtle: true })], {
    actions: [
      ...(v.acknowledgedAt ? [] : [executeAction('I have read and acknowledge it', { action: 'policy.acknowledge', version: String(v.version) }, { style: 'positive', associatedInputs: 'none' })]),
      executeAction('Confirm my training', { action: 'literacy.attest', survey: 'policy' }, { associatedInputs: 'none' }),
      ...openPolicy(v.url),
    ],
  });
}
