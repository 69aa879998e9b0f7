/** Registration fields asked before triage (triage.md §1), page 1 of the form. */
import type { Question } from './question-types';
import { v } from './question-types';

const base = { section: 'registration', page: 1, when: '' } as const;

/** The registration fields in table order. */
export const REGISTRATION_FIELDS: Question[] = [
  {
    ...base,
    id: 'name',
    kind: 'text',
    required: true,
    maxLength: 80,
    label: 'Name',
    help: 'What people call the tool, e.g. "ChatGPT Enterprise" or "CV Screener".',
    dependsOn: [],
  },
  {
    ...base,
    id: 'vendor',
    kind: 'text',
    required: false,
    maxLength: 80,
    label: 'Vendor',
    help: 'The company that supplies it; leave empty if we built it ourselves.',
    dependsOn: [],
  },
  {
    ...base,
    id: 'url',
    kind: 'url',
    required: false,
    label: 'Link',
    help: 'Optional web address of the product or its documentation (http:// or https://).',
    dependsOn: [],
  },
  {
    ...base,
    id: 'purpose',
    kind: 'text',
    required: true,
    maxLength: 1000,
    label: 'Purpose',
    help: 'What the tool is used for, in a sentence or two.',
    dependsOn: [],
  },
  {
    ...base,
    id: 'owner',
    kind: 'person',
    required: true,
    label: 'Business owner',
    help: 'The person accountable for this tool; it may be you.',
    dependsOn: [],
  },
  {
    ...base,
    id: 'department',
    kind: 'text',
    required: false,
    maxLength: 80,
    label: 'Department',
    help: 'The team or department that uses it.',
    dependsOn: [],
  },
  {
    ...base,
    id: 'usage_status',
    kind: 'one',
    required: true,
    label: 'Usage status',
    help: 'Whether the tool is planned, being tried out, or already in use.',
    values: [
      v('planned', 'Planned', 'We intend to use it but have not started.'),
      v('piloting', 'Piloting', 'A small group is trying it out.'),
      v('in_use', 'Already in use', 'It was already in use before this registration.'),
    ],
    dependsOn: [],
  },
];
