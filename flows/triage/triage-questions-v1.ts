/** Version 1 triage questions (triage.md §2) in table order, with the form page each one is on. */
import type { Question } from './question-types';
import { HIGH_RISK_INPUTS, v } from './question-types';

const IF_AI = 'ai_capabilities is not {none}';
const t = { section: 'triage', required: true } as const;

/** The triage questions in table order. */
export const TRIAGE_QUESTIONS_V1: Question[] = [
  {
    ...t, id: 'ai_capabilities', kind: 'many', page: 2, when: '', dependsOn: [],
    label: 'What does it do?',
    help: 'Tick everything the tool can do with AI; choose "None" if it has no AI features.',
    values: [
      v('generates_content', 'Generates content', 'Writes text, images, audio, video or code.'),
      v('predicts_or_scores', 'Predicts or scores', 'Gives forecasts, risk scores or ratings.'),
      v('classifies_or_recommends', 'Classifies or recommends', 'Sorts, ranks, tags or suggests things.'),
      v('conversational_agent', 'Chat assistant', 'Holds a conversation with people.'),
      v('biometric_recognition', 'Recognises people', 'Identifies or verifies people by face, voice, fingerprint or similar.'),
      v('emotion_recognition', 'Reads emotions', 'Infers feelings or intentions from faces, voices or behaviour.'),
      v('automates_actions', 'Acts on its own', 'Carries out actions in other systems, such as sending or approving.'),
      v('none', 'None', 'No AI features: ordinary software.'),
    ],
  },
  {
    ...t, id: 'decision_role', kind: 'one', page: 3, when: IF_AI, dependsOn: ['ai_capabilities'],
    label: 'Who decides?',
    help: 'How much the tool decides by itself.',
    values: [
      v('informs', 'A person decides', 'The output is only advice to a person.'),
      v('human_review', 'A person checks', 'The tool decides and a person checks before it takes effect.'),
      v('autonomous', 'The tool decides', 'Its output takes effect without a person.'),
    ],
  },
  {
    ...t, id: 'model_origin', kind: 'one', page: 3, when: IF_AI, dependsOn: ['ai_capabilities'],
    label: 'Where does the model come from?',
    help: 'Whether we use the AI as supplied, adapt it, or build it ourselves.',
    values: [
      v('vendor_as_is', 'Vendor, as supplied', 'We use the product as the vendor delivers it.'),
      v('vendor_customized', 'Vendor, customised', 'Our own prompts, search over our data, or fine-tuning of a vendor model.'),
      v('trained_in_house', 'Built in-house', 'We build or train the model ourselves.'),
    ],
  },
  {
    ...t, id: 'offered_externally', kind: 'bool', page: 3, when: IF_AI, dependsOn: ['ai_capabilities'],
    label: 'Offered to others?',
    help: 'Yes if customers, partners or the market get this system from us under our name or brand.',
  },
  {
    ...t, id: 'affected_people', kind: 'many', page: 3, when: IF_AI, dependsOn: ['ai_capabilities'],
    label: 'Who is affected?',
    help: 'People whose situation the output is about or who are affected by it.',
    values: [
      v('employees', 'Employees', 'Our own staff.'),
      v('job_applicants', 'Job applicants', 'People applying to work here.'),
      v('customers', 'Customers', 'People who buy or use our services.'),
      v('students', 'Students', 'Learners or trainees.'),
      v('patients', 'Patients', 'People receiving care.'),
      v('general_public', 'General public', 'Anyone, such as visitors or passers-by.'),
      v('children', 'Children', 'People under 18.'),
      v('none', 'Nobody', 'The output is not about people.'),
    ],
  },
  {
    ...t, id: 'data_categories', kind: 'many', page: 2, when: '', dependsOn: [],
    label: 'What data goes in?',
    help: 'Tick every kind of data people put into the tool or it reads.',
    values: [
      v('public', 'Public', 'Information anyone can see.'),
      v('internal', 'Internal', 'Ordinary internal documents and messages.'),
      v('confidential', 'Confidential', 'Trade secrets, contracts, finances, source code.'),
      v('personal', 'Personal data', 'Anything about an identifiable person, such as names or emails.'),
      v('special_category', 'Sensitive personal data', 'Health, biometric, ethnicity, religion, politics, sex life or union membership.'),
      v('none', 'None', 'No data of ours goes in.'),
    ],
  },
  {
    ...t, id: 'vendor_trains_on_inputs', kind: 'one', page: 4,
    when: 'model_origin is vendor_as_is or vendor_customized', dependsOn: ['model_origin'],
    label: 'Does the vendor train on our data?',
    help: 'Whether the vendor may use what we put in to improve its models; check the contract or settings.',
    values: [
      v('yes', 'Yes', 'The vendor may train on our inputs.'),
      v('no', 'No', 'The contract or settings exclude it.'),
      v('unknown', 'Not known', 'We have not found out yet.'),
    ],
  },
  {
    ...t, id: 'interacts_with_people', kind: 'one', page: 3, when: IF_AI, dependsOn: ['ai_capabilities'],
    label: 'Does it talk to people?',
    help: 'Whether the tool converses with or responds directly to people.',
    values: [
      v('no', 'No', 'It does not respond directly to people.'),
      v('internal_staff', 'Our staff only', 'Only our own staff interact with it.'),
      v('external_people', 'People outside', 'Customers, applicants or the public interact with it.'),
    ],
  },
  {
    ...t, id: 'synthetic_media', kind: 'one', page: 3, when: IF_AI, dependsOn: ['ai_capabilities'],
    label: 'Generated media shared outside?',
    help: 'Whether generated or altered images, audio, video or text leave the organisation.',
    values: [
      v('none', 'None', 'It produces no such media.'),
      v('internal_only', 'Internal only', 'Generated media stay inside the organisation.'),
      v('published', 'Published', 'Generated media are shared outside the organisation.'),
    ],
  },
  {
    ...t, id: 'prohibited_practices', kind: 'many', page: 3, when: IF_AI, dependsOn: ['ai_capabilities'],
    label: 'Banned practices',
    help: 'Tick any of these the tool does; they are banned in the EU. Most tools: "None".',
    values: [
      v('manipulation', 'Manipulates people', 'Hidden or deceptive techniques that push people into harmful choices.'),
      v('exploits_vulnerabilities', 'Exploits vulnerability', 'Takes advantage of age, disability or hardship to cause harm.'),
      v('social_scoring', 'Social scoring', 'Rates people by behaviour or traits, leading to unfair treatment.'),
      v('crime_prediction_profiling', 'Predicts crime by profile', 'Predicts someone will commit a crime from profiling or personality alone.'),
      v('facial_image_scraping', 'Scrapes faces', 'Collects face images from the internet or CCTV to build a recognition database.'),
      v('emotion_recognition_work_or_school', 'Emotions at work or school', 'Reads emotions of staff or students, other than for medical or safety reasons.'),
      v('biometric_categorisation_sensitive', 'Infers sensitive traits', 'Uses biometrics to infer race, politics, union membership, religion or sex life.'),
      v('realtime_biometric_id_law_enforcement', 'Live face ID for police', 'Real-time remote identification in public places for law enforcement.'),
      v('non_consensual_intimate_imagery', 'Intimate deepfakes', 'Sexual images of identifiable people without consent, or child abuse material.'),
      v('none', 'None', 'The tool does none of these.'),
    ],
  },
  {
    ...t, id: 'annex_iii_uses', kind: 'many', page: 3, when: IF_AI, dependsOn: ['ai_capabilities'],
    label: 'Sensitive uses',
    help: 'Tick any area the tool is used in; these uses are high-risk under the EU AI Act.',
    values: [
      v('biometric_identification', 'Identifying people remotely', 'Recognising who someone is from a distance; not unlocking a phone.'),
      v('biometric_categorisation', 'Sorting people by biometrics', 'Grouping people by traits inferred from face, voice or body.'),
      v('emotion_recognition', 'Emotion recognition', 'Inferring emotions or intentions from biometric data.'),
      v('critical_infrastructure', 'Critical infrastructure', 'Safety of digital networks, road traffic, water, gas, heating or electricity.'),
      v('education_access', 'Admission to education', 'Deciding who gets into a school, course or training.'),
      v('education_assessment', 'Assessing learners', 'Grading, placing learners, or watching them during tests.'),
      v('recruitment', 'Recruitment', 'Targeting job ads, filtering applications or evaluating candidates.'),
      v('worker_management', 'Managing workers', 'Promotion, dismissal, task allocation or monitoring performance.'),
      v('public_benefits', 'Public benefits', 'Deciding who gets public assistance or services.'),
      v('credit_scoring', 'Credit scoring', 'Judging creditworthiness; fraud detection does not count.'),
      v('insurance_pricing', 'Life or health insurance', 'Assessing risk or setting prices in life or health insurance.'),
      v('emergency_triage', 'Emergency triage', 'Prioritising emergency calls or patients.'),
      v('law_enforcement', 'Law enforcement', 'Use by or for police and prosecutors.'),
      v('migration_border', 'Migration and borders', 'Asylum, visa or border control.'),
      v('justice', 'Courts', 'Helping judges or arbitrators research or apply the law.'),
      v('elections', 'Elections', 'Influencing how people vote.'),
      v('none', 'None', 'Not used in any of these areas.'),
    ],
  },
  {
    ...t, id: 'safety_component', kind: 'bool', page: 3, when: IF_AI, dependsOn: ['ai_capabilities'],
    label: 'Part of a regulated product?',
    help: 'Yes if the AI is, or is a safety part of, a product such as a medical device, machine, toy, lift or vehicle that needs an outside conformity check.',
  },
  {
    ...t, id: 'art6_3_conditions', kind: 'many', page: 4,
    when: 'annex_iii_uses is not {none}', dependsOn: ['annex_iii_uses'],
    label: 'Only a minor role?',
    help: 'Tick what describes the tool if it does not really influence the decision; otherwise "None".',
    values: [
      v('narrow_procedural', 'Narrow procedural task', 'E.g. turning unstructured documents into structured data.'),
      v('improves_human_work', 'Polishes finished work', 'Improves the result of work a person has already completed.'),
      v('pattern_detection_with_review', 'Flags patterns for review', 'Spots unusual decisions for a person to look at, without replacing them.'),
      v('preparatory', 'Preparation only', 'Prepares material for an assessment that a person makes.'),
      v('none', 'None', 'It plays a real part in the decision.'),
    ],
  },
  {
    ...t, id: 'profiles_people', kind: 'bool', page: 4,
    when: 'annex_iii_uses is not {none}', dependsOn: ['annex_iii_uses'],
    label: 'Profiles people?',
    help: 'Yes if it automatically evaluates individuals, e.g. their performance, finances, health, preferences, reliability, behaviour or location.',
  },
  {
    ...t, id: 'vendor_intended_purpose', kind: 'bool', page: 5,
    when: 'the system is high-risk (rule H) and model_origin is not trained_in_house',
    dependsOn: [...HIGH_RISK_INPUTS, 'model_origin'],
    label: 'Sold for this purpose?',
    help: 'Yes if the vendor offers the tool for exactly this use (e.g. it is sold as a CV-screening product).',
  },
  {
    ...t, id: 'public_service_provider', kind: 'bool', page: 5, required: false,
    when: 'the system is high-risk (rule H)', dependsOn: [...HIGH_RISK_INPUTS],
    label: 'Public service?',
    help: 'Yes if we are a public body or provide public services; leave empty to use the organisation policy.',
  },
];
