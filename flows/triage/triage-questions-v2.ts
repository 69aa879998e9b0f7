/**
 * Version 2 triage questions (triage.md §6–§12) in table order, with the form page each one is
 * on. Every question's condition reads only questions listed before it, so forms can ask page by
 * page and validation can check in one pass.
 */
import type { Question } from './question-types';
import { v } from './question-types';
import { TRIAGE_QUESTIONS_V1 } from './triage-questions-v1';

const t = { section: 'triage', required: true } as const;
const IN_SCOPE = 'the system is in scope (rule O)';
const SCOPE_INPUTS = ['technique', 'ai_capabilities'];
/** The answers that decide rules X, P and H, on which later questions depend. */
const CLASS_INPUTS = [
  ...SCOPE_INPUTS,
  'ai_act_exclusion',
  'prohibited_practices',
  'annex_iii_uses',
  'emotion_purpose',
  'emotion_subjects',
  'safety_component',
  'art6_3_conditions',
  'profiles_people',
];

/** A v1 question reused unchanged apart from its condition and page. */
function fromV1(id: string, changes: Partial<Question>): Question {
  const q = TRIAGE_QUESTIONS_V1.find((x) => x.id === id);
  if (!q) throw new Error(`no v1 question ${id}`);
  return { ...q, ...changes };
}

/** Help text ending with the worked example, so every form shows both. */
function withExample(help: string, example: string): Pick<Question, 'help' | 'example'> {
  return { help: `${help} Example: ${example}`, example };
}

const scoped = { when: IN_SCOPE, dependsOn: SCOPE_INPUTS } as const;

/** The v2 triage questions in table order. */
export const TRIAGE_QUESTIONS_V2: Question[] = [
  {
    ...t, id: 'technique', kind: 'one', page: 2, when: '', dependsOn: [],
    label: 'How does it work?',
    ...withExample(
      'How the tool reaches its output decides whether it is AI in law (Art. 3(1)). Choose "Not sure" if you do not know; we will ask you to find out.',
      'a spam filter trained on past e-mails is machine learning; a rule "flag invoices over 10,000 EUR" written by a person is fixed rules.',
    ),
    values: [
      v('machine_learning', 'Learns from data', 'Machine learning: neural networks, large language models, other trained models.'),
      v('logic_knowledge_based', 'Reasons from knowledge', 'Infers from encoded knowledge or rules: expert systems, symbolic reasoning, inference engines.'),
      v('rules_by_people', 'Fixed rules by people', 'If-then rules written by people; it does not infer anything beyond them.'),
      v('basic_statistics', 'Basic statistics', 'Averages, simple regression or forecasting from historical data.'),
      v('unknown', 'Not sure', 'We do not know how it works yet.'),
    ],
  },
  {
    ...fromV1('ai_capabilities', { page: 2 }),
    help: 'Tick everything the tool can do; choose "None" if it has no such features.',
    values: [
      v('generates_content', 'Generates content', 'Writes text, images, audio, video or code.'),
      v('predicts_or_scores', 'Predicts or scores', 'Gives forecasts, risk scores or ratings.'),
      v('classifies_or_recommends', 'Classifies or recommends', 'Sorts, ranks, tags or suggests things.'),
      v('conversational_agent', 'Chat assistant', 'Holds a conversation with people.'),
      v('biometric_recognition', 'Recognises people', 'Identifies or verifies people by face, voice, fingerprint or similar.'),
      v('emotion_recognition', 'Reads emotions from the body', 'Infers emotions or intentions from biometric data: face, voice, gait or physiological signals.'),
      v('sentiment_from_text', 'Reads sentiment in text', 'Infers sentiment or emotion from written text only (not from faces or voices).'),
      v('automates_actions', 'Acts on its own', 'Carries out actions in other systems, such as sending or approving.'),
      v('none', 'None', 'None of these features.'),
    ],
  },
  {
    ...t, id: 'ai_act_exclusion', kind: 'one', page: 3, ...scoped,
    label: 'Outside the AI Act?',
    ...withExample(
      'The AI Act does not apply to a few uses (Art. 2). Most tools: "None of these". Testing with real users or in real conditions is not research-only.',
      'a model that our lab trains and studies only to publish a paper, and nobody else uses, is research only.',
    ),
    values: [
      v('none', 'None of these', 'Ordinary professional use: the AI Act applies.'),
      v('research_only', 'Research only', 'Developed and used solely for scientific research, or tested before release (Art. 2(6), 2(8)).'),
      v('military_defence', 'Military or defence', 'Used exclusively for military, defence or national security (Art. 2(3)).'),
      v('personal_non_professional', 'Personal use', 'A person’s purely personal, non-professional use (Art. 2(10)).'),
    ],
  },
  fromV1('decision_role', { ...scoped }),
  {
    ...fromV1('model_origin', { ...scoped }),
    help: 'Whether we use a vendor’s AI as supplied, configure it, build our own system on it, or train our own model.',
    values: [
      v('vendor_as_is', 'Vendor, as supplied', 'We use the product as the vendor delivers it.'),
      v('vendor_configured', 'Vendor, configured', 'The vendor’s product with our settings, prompts or knowledge files, still under the vendor’s name.'),
      v('built_on_vendor_model', 'Ours, on a vendor model', 'Our own system under our name, built on a vendor’s model or API (e.g. our chatbot on an LLM API).'),
      v('trained_in_house', 'Built in-house', 'We build or train the model ourselves.'),
    ],
  },
  fromV1('offered_externally', {
    ...scoped,
    help: 'Yes if it is made available to others for their use — customers, partners or the market — under our name; sharing a research system free of charge with other researchers solely for their research does not count.',
  }),
  fromV1('affected_people', { ...scoped }),
  fromV1('data_categories', {}),
  fromV1('vendor_trains_on_inputs', {
    when: 'model_origin is vendor_as_is, vendor_configured or built_on_vendor_model',
    dependsOn: [...SCOPE_INPUTS, 'model_origin'],
  }),
  fromV1('interacts_with_people', { ...scoped }),
  {
    ...t, id: 'synthetic_media', kind: 'many', page: 3, ...scoped,
    label: 'Generated content',
    ...withExample(
      'Tick what the tool’s generated or altered content is used for; "None" if it creates none.',
      'a video of our CEO speaking a language she does not speak is a deep fake; an AI-written news item on our public website is public-interest text.',
    ),
    values: [
      v('none', 'None', 'It generates no content.'),
      v('internal_only', 'Inside only', 'Generated content used inside the organisation, and not a deep fake.'),
      v('deepfake', 'Deep fake', 'Image, audio or video resembling real people, objects, places or events that would falsely appear authentic — wherever shown.'),
      v('public_interest_text', 'Public-interest text', 'Text published to inform the public on matters of public interest.'),
      v('published_other', 'Other, shared outside', 'Other generated content shared outside the organisation.'),
    ],
  },
  {
    ...t, id: 'editorial_control', kind: 'bool', page: 4,
    when: 'synthetic_media contains public_interest_text', dependsOn: [...SCOPE_INPUTS, 'synthetic_media'],
    label: 'Edited by a person?',
    ...withExample(
      'Yes if a person reviews the generated text before it is published and the organisation takes editorial responsibility for it.',
      'an editor checks and signs off every AI-drafted press release: yes.',
    ),
  },
  {
    ...fromV1('prohibited_practices', { ...scoped }),
    values: (fromV1('prohibited_practices', {}).values ?? []).filter((x) => x.id !== 'emotion_recognition_work_or_school'),
  },
  fromV1('annex_iii_uses', { ...scoped }),
  {
    ...t, id: 'emotion_purpose', kind: 'one', page: 4,
    when: 'ai_capabilities or annex_iii_uses contains emotion_recognition',
    dependsOn: [...SCOPE_INPUTS, 'annex_iii_uses'],
    label: 'Why read emotions?',
    ...withExample(
      'Reading emotions at work or in education is banned unless it is for medical or safety reasons.',
      'detecting that a lorry driver is falling asleep is safety; measuring how engaged staff look in video calls is other.',
    ),
    values: [
      v('medical_or_safety', 'Medical or safety', 'Only for medical or safety reasons, e.g. therapy or fatigue detection.'),
      v('other', 'Other', 'Any other reason, e.g. wellbeing scores, engagement, customer satisfaction.'),
    ],
  },
  {
    ...t, id: 'emotion_subjects', kind: 'many', page: 4,
    when: 'ai_capabilities or annex_iii_uses contains emotion_recognition',
    dependsOn: [...SCOPE_INPUTS, 'annex_iii_uses'],
    label: 'Whose emotions?',
    ...withExample(
      'Whose emotions the tool reads. Job applicants count as the workplace.',
      'a video-interview tool that rates candidates’ enthusiasm reads employees or applicants.',
    ),
    values: [
      v('employees_or_applicants', 'Staff or applicants', 'Our employees, or people applying to work here.'),
      v('students', 'Students', 'Learners, pupils or trainees.'),
      v('others', 'Others', 'Anyone else, such as customers or patients.'),
    ],
  },
  fromV1('safety_component', {
    ...scoped,
    help: 'Yes if the AI is, or is a safety part of, a product that needs an outside conformity check, such as medical or in-vitro diagnostic devices, toys, lifts, radio equipment or pressure equipment — not vehicles or aviation, whose own rules apply. AI that only assists users or optimises performance is not a safety component unless its failure endangers health or safety.',
  }),
  fromV1('art6_3_conditions', {
    when: 'the system has a listed or implied Annex III use',
    dependsOn: [...SCOPE_INPUTS, 'annex_iii_uses'],
  }),
  fromV1('profiles_people', {
    when: 'the system has a listed or implied Annex III use',
    dependsOn: [...SCOPE_INPUTS, 'annex_iii_uses'],
  }),
  fromV1('vendor_intended_purpose', {
    when: 'the system is high-risk (rule H) and model_origin is vendor_as_is or vendor_configured',
    dependsOn: [...CLASS_INPUTS, 'model_origin'],
  }),
  {
    ...t, id: 'substantially_modified', kind: 'bool', page: 5,
    when: 'the system is high-risk (rule H) and model_origin is vendor_as_is or vendor_configured',
    dependsOn: [...CLASS_INPUTS, 'model_origin'],
    label: 'Substantially changed?',
    ...withExample(
      'Yes if we changed a high-risk system already on the market in a way its provider did not foresee, such as retraining it with new features or changing what it decides.',
      'we retrained a bought CV screener on our own data so that it also ranks internal promotions: yes.',
    ),
  },
  {
    ...t, id: 'public_sector', kind: 'one', page: 5, required: false,
    when: 'the system is high-risk (rule H)', dependsOn: CLASS_INPUTS,
    label: 'Public sector?',
    ...withExample(
      'Whether we are, or act for, the public sector; leave empty to use the organisation policy.',
      'a city council is a public authority; a private company running bus services under a public contract provides a public service.',
    ),
    values: [
      v('public_authority', 'Public authority', 'A public authority (national, regional or local).'),
      v('acting_for_public_authority', 'Acting for one', 'We use the system on behalf of a public authority.'),
      v('body_governed_by_public_law', 'Public-law body', 'A body governed by public law, such as a public university or hospital.'),
      v('private_public_service', 'Private, public service', 'A private entity providing public services (education, health, housing, utilities …).'),
      v('no', 'No', 'None of these.'),
    ],
  },
  {
    ...t, id: 'decides_about_people', kind: 'bool', page: 5,
    when: 'the system is high-risk through an Annex III use', dependsOn: CLASS_INPUTS,
    label: 'Decisions about people?',
    ...withExample(
      'Yes if the output is used to make, or to help make, decisions about individual people.',
      'a credit score that a loan officer uses to approve or refuse a loan: yes.',
    ),
  },
];
