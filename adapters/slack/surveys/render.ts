/**
 * Block Kit for campaigns: the question in a direct message (`survey.answer` opens the AI-use
 * form, `policy.acknowledge` acknowledges a version, `literacy.attest` opens the evidence form),
 * the AI-use form (multi-select `tools`, text `other_tools`), the reply to an answer with a
 * `discovery.register` button per unregistered tool, the `policy` reply and the literacy form.
 * All user and policy text goes through the one mrkdwn escape.
 */
import type { types } from '@slack/bolt';
import type { PolicyView, SurveyAnswered, SurveyAskPayload, SurveyChoice } from '../../../flows';
import * as flows from '../../../flows';
import type { Block } from '../blocks';
import { button, context, LIMITS, limitBlocks, plain, section } from '../blocks';
import { clip, esc } from '../mrkdwn';
import type { SlackMessage } from '../render-request';

/** Action and callback ids (spec/aims.md). */
export const SURVEY_ACTIONS = {
  answer: 'survey.answer',
  acknowledge: 'policy.acknowledge',
  attest: 'literacy.attest',
  register: 'discovery.register',
} as const;

const day = (d: Date, tz: string) => flows.localDay(d, tz);

/** The policy's link, shown as a link only when it is an http(s) address. */
function policyLink(url: string): string {
  return /^https?:\/\/[^\s<>|]+$/.test(url) ? `<${esc(url)}|Read the AI policy>` : esc(url);
}

/** The direct message of a campaign (question or reminder). */
export function renderSurveyAsk(p: SurveyAskPayload): SlackMessage {
  const blocks: Block[] = [section(esc(p.text))];
  if (p.kind === 'ai_use') {
    blocks.push({ type: 'actions', block_id: `survey:${p.ref}`, elements: [button('Answer', SURVEY_ACTIONS.answer, p.ref, 'primary')] });
  } else if (p.kind === 'policy_ack' && p.policy) {
    blocks.push(section(`*AI policy, version ${p.policy.version}*\n${esc(p.policy.summary)}\n${policyLink(p.policy.url)}`));
    blocks.push({ type: 'actions', block_id: `policy:${p.policy.version}`, elements: [button('I have read and acknowledge it', SURVEY_ACTIONS.acknowledge, String(p.policy.version), 'primary')] });
  } else {
    blocks.push({ type: 'actions', block_id: `literacy:${p.ref}`, elements: [button('Confirm my training', SURVEY_ACTIONS.attest, p.ref, 'primary')] });
  }
  return { text: esc(p.text), blocks };
}

/** The AI-use form: catalog choices (and "none"), other tools as text. */
export function surveyModal(ref: string, choices: readonly SurveyChoice[], meta: { channel?: string | undefined }): types.ModalView {
  const options = choices.slice(0, LIMITS.options).map((c) => ({ text: plain(c.name, LIMITS.optionText), value: c.id }));
  return {
    type: 'modal',
    callback_id: SURVEY_ACTIONS.answer,
    title: plain(`AI use ${ref}`, LIMITS.modalTitle),
    submit: plain('Send answer', LIMITS.submitText),
    close: plain('Cancel', LIMITS.submitText),
    private_metadata: JSON.stringify({ ref, ...meta }),
    blocks: [
      section('Which AI tools did you use for work in this period? Include AI features of other software (meeting notes, writing help, code assistants).'),
      {
        type: 'input',
        block_id: 'tools',
        optional: true,
        label: plain('Tools from the list (or "None")', LIMITS.label),
        element: { type: 'multi_static_select', action_id: 'tools', placeholder: plain('Pick tools', 150), options },
      },
      {
        type: 'input',
        block_id: 'other_tools',
        optional: true,
        label: plain('Other tools', LIMITS.label),
        hint: plain('Names separated by commas or lines.', LIMITS.hint),
        element: { type: 'plain_text_input', action_id: 'other_tools', multiline: true, max_length: 2000 },
      },
    ],
  };
}

/** The reply to an answer: thanks, and a register button for each tool not in the inventory. */
export function renderAnswered(r: SurveyAnswered): SlackMessage {
  const lead = `${r.replaced ? 'Your answer to' : 'Thank you: your answer to'} survey ${esc(r.ref)} ${r.replaced ? 'was replaced' : 'is recorded'}.`;
  if (r.unregistered.length === 0) return { text: lead, blocks: [section(lead)] };
  const blocks: Block[] = [section(`${lead}\nThese tools are not in the AI inventory yet. Registering one takes a minute; the form is pre-filled where we know the tool:`)];
  for (const t of r.unregistered) {
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: `*${esc(clip(t.name, 200))}*` },
      accessory: button('Register', SURVEY_ACTIONS.register, flows.registerValue(t)),
    });
  }
  return { text: `${lead} ${r.unregistered.length} not registered yet.`, blocks: limitBlocks(blocks) };
}

/** The reply to `policy`: version, summary, link, my acknowledgement and literacy, with the buttons. */
export function renderPolicy(v: PolicyView, tz: string): SlackMessage {
  const ack = v.acknowledgedAt ? `:white_check_mark: You acknowledged version ${v.version} on ${day(v.acknowledgedAt, tz)}.` : `You have not acknowledged version ${v.version} yet.`;
  const lit = v.literacy ? `Your latest AI literacy attestation: ${day(v.literacy.attestedAt, tz)} (${esc(clip(v.literacy.evidence, 200))}).` : 'You have not confirmed AI literacy training yet.';
  const buttons = [
    ...(v.acknowledgedAt ? [] : [button('I have read and acknowledge it', SURVEY_ACTIONS.acknowledge, String(v.version), 'primary')]),
    button('Confirm my training', SURVEY_ACTIONS.attest, 'policy'),
  ];
  return {
    text: `AI policy, version ${v.version}`,
    blocks: [section(`*AI policy, version ${v.version}*\n${esc(v.summary)}\n${policyLink(v.url)}`), context(`${ack} ${lit}`), { type: 'actions', block_id: 'policy', elements: buttons }],
  };
}

/** The literacy form: evidence (a link or a note). */
export function literacyModal(meta: { ref: string; channel?: string | undefined }): types.ModalView {
  return {
    type: 'modal',
    callback_id: SURVEY_ACTIONS.attest,
    title: plain('AI literacy', LIMITS.modalTitle),
    submit: plain('Confirm', LIMITS.submitText),
    close: plain('Cancel', LIMITS.submitText),
    private_metadata: JSON.stringify(meta),
    blocks: [
      section('Confirm that you completed AI literacy training (EU AI Act Art. 4, ISO/IEC 42001 7.2).'),
      {
        type: 'input',
        block_id: 'evidence',
        label: plain('Evidence: a link or a note', LIMITS.label),
        hint: plain('An https:// link to the certificate or course record, or which training and when.', LIMITS.hint),
        element: { type: 'plain_text_input', action_id: 'evidence', multiline: true, max_length: flows.EVIDENCE_MAX },
      },
    ],
  };
}
