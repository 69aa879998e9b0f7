/**
 * The organisation's policy file (product.md "Policy file"), validated with zod. Unknown keys and
 * bad values are refused with the key named. The classifier only ever reads the part returned by
 * `triagePolicyOf`, which can shorten review intervals and add approver roles, never the reverse.
 */
import { z } from 'zod';
import { METRIC_IDS } from './objectives/metric-ids';
import { CronExpressionParser } from 'cron-parser';
import { parse as parseYaml } from 'yaml';
import type { TriagePolicy } from './triage/types';
import { PUBLIC_SECTOR_VALUES } from './triage/types';
import { LEGAL_DATE_IDS } from './triage/legal-dates';
import { AimsError } from './errors';

const memberId = z
  .string()
  .regex(/^(slack:[A-Z0-9]+|teams:[\w-]+|email:[^@\s]+@[^@\s]+|shell:[\w.-]+)$/, {
    message: 'must be slack:U…, teams:<aad object id>, email:name@domain or shell:<name>',
  });
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'must be a time HH:MM' });
const httpsUrl = z.url({ protocol: /^https$/, message: 'must be an https:// address' }).max(2048);
/**
 * A review interval in days: the legal default is also the maximum (triage.md rule R: a policy
 * may shorten an interval, never lengthen it). A longer value is refused, not clamped.
 */
const reviewDays = (legalMax: number) =>
  z
    .number({ message: `must be a whole number of days from 1 to ${legalMax}` })
    .int({ message: `must be a whole number of days from 1 to ${legalMax}` })
    .min(1, { message: `must be at least 1 day` })
    .max(legalMax, {
      message: `must be at most ${legalMax} days, the legal maximum (a policy may shorten a review interval, never lengthen it)`,
    })
    .default(legalMax);
/** The roles every classification can ask for, besides the groups a policy defines. */
const BUILT_IN_ROLES = ['owner', 'compliance', 'privacy', 'security'];
/**
 * A Slack channel for every workspace, or one per Slack team id (`{ T0ONE: C0AAA, T0TWO: C0BBB }`)
 * when one deployment serves several workspaces: a channel id belongs to one workspace, and one
 * workspace's approvals must never be posted where another can read them.
 */
const slackChannel = z.union([
  z.string().min(1),
  z.record(z.string().regex(/^[TE][A-Z0-9]{2,}$/), z.string().min(1)),
], { message: 'must be a channel id (C0123ABCD) for every workspace, or a map from Slack team id to channel id, e.g. { T0123ABCD: C0123ABCD }' });
const channelRef = z.strictObject({ slack: slackChannel.optional(), teams: z.string().min(1).optional() });
const timezone = z.string().refine(
  (tz) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  },
  { message: 'must be an IANA time zone such as Europe/Berlin' },
);
const cron = z.string().refine(
  (expr) => {
    try {
      CronExpressionParser.parse(expr);
      return expr.trim().split(/\s+/).length === 5;
    } catch {
      return false;
    }
  },
  { message: 'must be a five-field cron expression such as "0 9 * * 1"' },
);
const isoDate = z.string().refine(
  (d) => /^\d{4}-\d{2}-\d{2}$/.test(d) && !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d),
  { message: 'must be an ISO date YYYY-MM-DD, e.g. 2027-12-02' },
);
/** Obligation dates that override the data file (triage.md §12.19); unknown ids are refused. */
const legalDates = z.record(z.string(), isoDate).superRefine((dates, ctx) => {
  for (const id of Object.keys(dates)) {
    if (!LEGAL_DATE_IDS.includes(id)) {
      ctx.addIssue({ code: 'custom', path: [id], message: `unknown obligation date id "${id}"; known ids: ${LEGAL_DATE_IDS.join(', ')}` });
    }
  }
});
const role = z.string().regex(/^[a-z][a-z0-9_-]{0,39}$/, { message: 'must be a lower-case role name' });

/** The policy file schema, with the defaults of product.md. */
export const policySchema = z
  .strictObject({
    organization: z
      .strictObject({
        name: z.string().min(1).max(120).default('My organisation'),
        timezone: timezone.default('UTC'),
        /** The AIMS scope statement (ISO/IEC 42001 4.3), printed in the SoA header. */
        aimsScope: z.string().min(1).max(2000).optional(),
        /** triage.md §12.13: the default of `public_sector`. */
        publicSector: z.enum(PUBLIC_SECTOR_VALUES, { message: `must be one of ${PUBLIC_SECTOR_VALUES.join(', ')}` }).optional(),
        /** Replaced by `publicSector`; `true` is read as `body_governed_by_public_law`, with a start-up warning. */
        publicServiceProvider: z.boolean().optional(),
      })
      .prefault({})
      .transform((org) => ({
        ...org,
        publicSector: org.publicSector ?? (org.publicServiceProvider ? ('body_governed_by_public_law' as const) : ('no' as const)),
      })),
    /** Obligation dates by id (flows/triage/legal-dates.ts), ISO dates; counsel's corrections. */
    legalDates: legalDates.default({}),
    /** Approver groups; members as slack:U…, teams:<id>, email:… or shell:<name>. */
    groups: z.record(role, z.array(memberId)).default({}),
    channels: z
      .strictObject({ approvals: channelRef.optional(), digest: channelRef.optional() })
      .prefault({}),
    /**
     * The developer block of the Teams app manifest (`npm run teams:package`): who publishes the
     * app and its https pages. Optional; the AIMS_TEAMS_* variables override it.
     */
    teamsApp: z
      .strictObject({
        developerName: z.string().min(1).max(32).optional(),
        websiteUrl: httpsUrl.optional(),
        privacyUrl: httpsUrl.optional(),
        termsOfUseUrl: httpsUrl.optional(),
      })
      .optional(),
    reviews: z
      .strictObject({
        /** High-risk systems: at most (and by default) 90 days. */
        highDays: reviewDays(90),
        /** Limited-risk systems: at most 180 days. */
        limitedDays: reviewDays(180),
        /** Minimal-risk systems: at most 365 days. */
        minimalDays: reviewDays(365),
        /** Out-of-scope tools: at most 365 days. */
        outOfScopeDays: reviewDays(365),
        /** Excluded systems (triage.md §12.3): at most 365 days. */
        excludedDays: reviewDays(365),
        remindBeforeDays: z.number().int().min(0).max(365).default(14),
        /** Days between two reminders of the same review. */
        repeatEveryDays: z.number().int().min(1).max(30).default(3),
        escalateAfterDays: z.number().int().min(0).max(365).default(7),
      })
      .prefault({}),
    approvals: z
      .strictObject({
        remindAfterHours: z.number().int().min(1).max(24 * 90).default(48),
        escalateAfterReminders: z.number().int().min(1).max(100).default(3),
        /** Extra approver roles per risk class (or `all`); each needs a group of the same name. */
        extraApprovers: z
          .strictObject({
            all: z.array(role).optional(),
            high: z.array(role).optional(),
            limited: z.array(role).optional(),
            minimal: z.array(role).optional(),
            out_of_scope: z.array(role).optional(),
            excluded: z.array(role).optional(),
          })
          .default({}),
        /**
         * Who decides a step nobody else can (no member of its group, only the submitter, or
         * members who already decide another step of the request): role → a group of `groups`
         * or one person (`slack:U…`, `teams:<id>`, `email:…`, `shell:<name>`).
         */
        fallback: z.record(z.string(), z.string().min(1)).default({}),
      })
      .prefault({}),
    digest: z.strictObject({ cron: cron.default('0 9 * * 1') }).prefault({}),
    /**
     * Residual risk acceptance (spec/aims.md): a residual score (likelihood × impact, 1–25) below
     * `acceptBelow` may be accepted by the system owner; at or above it only by a member of the
     * group `acceptAboveBy` names.
     */
    risk: z
      .strictObject({
        acceptBelow: z.number().int().min(1).max(26).default(8),
        acceptAboveBy: role.default('compliance'),
      })
      .prefault({}),
    tasks: z
      .strictObject({
        /** Days to do a task whose obligation already applies (or that has no date of its own). */
        defaultDays: z.number().int().min(1).max(365).default(30),
        /** Remind the assignee this many days before the due date. */
        remindBeforeDays: z.number().int().min(0).max(365).default(7),
        /** Escalate an overdue task to the assignee's approver group after this many days. */
        escalateAfterDays: z.number().int().min(0).max(365).default(7),
      })
      .prefault({}),
    quietHours: z
      .strictObject({ start: hhmm, end: hhmm, weekends: z.boolean().default(false) })
      .optional(),
    /**
     * Objectives (ISO/IEC 42001 6.2) over metrics the bot measures weekly; `direction` defaults
     * to the metric's own (percentages at least, counts and lead times at most).
     */
    objectives: z
      .array(
        z.strictObject({
          metric: z.enum(METRIC_IDS, { message: `must be one of ${METRIC_IDS.join(', ')}` }),
          target: z.number().min(0),
          direction: z.enum(['at_least', 'at_most']).optional(),
          /** What the objective is called in the digest and the management review. */
          name: z.string().min(1).max(120).optional(),
        }),
      )
      .default([]),
    /** The AI policy (5.2) people acknowledge; a new `version` starts the policy-ack campaign. */
    aiPolicy: z
      .strictObject({
        version: z.number().int().positive(),
        url: z.url({ protocol: /^https?$/, message: 'must be an http(s):// address' }).max(2048),
        summary: z.string().min(1).max(3000),
        /** When to remind those who have not acknowledged the current version (overrides `policy.ackCron`). */
        ackCron: cron.optional(),
      })
      .optional(),
    /** The policy-ack job's schedule. */
    policy: z.strictObject({ ackCron: cron.default('0 10 * * 1') }).prefault({}),
    /** Finding hidden AI: AI-use surveys and opt-in channel discovery. */
    discovery: z
      .strictObject({
        /** Read messages in channels the bot is in for mentions of catalog tools (off by default). */
        listen: z.boolean().default(false),
        /** People (`slack:U…`, `teams:…`, `email:…`) and channels asked by surveys; unset means everyone the bot can reach. */
        audience: z.array(z.string().min(1).max(200)).optional(),
        /** When the ai-use-survey job starts a campaign (default quarterly). */
        surveyCron: cron.default('0 10 1 1,4,7,10 *'),
        /** Days after the question before the single reminder to those who have not answered. Default 7. */
        remindAfterDays: z.number().int().min(1).max(90).default(7),
        /** Days a campaign stays open for answers. Default 30. */
        openDays: z.number().int().min(1).max(365).default(30),
      })
      .prefault({}),
    /** The management-review job's schedule (default quarterly). */
    managementReview: z.strictObject({ cron: cron.default('0 8 1 1,4,7,10 *') }).prefault({}),
    /**
     * Serious incidents with high-risk systems (EU AI Act Art. 73): days from becoming aware to
     * the report to the market surveillance authority — 15 in general (73(2)), 10 in the event of
     * a death (73(4)), 2 for a widespread infringement or critical infrastructure (73(3)).
     */
    incidents: z
      .strictObject({
        art73Days: z
          .strictObject({
            general: z.number().int().min(1).max(15).default(15),
            death: z.number().int().min(1).max(10).default(10),
            widespread_or_critical: z.number().int().min(1).max(2).default(2),
          })
          .prefault({}),
      })
      .prefault({}),
    /**
     * Nonconformities (10.2): the effectiveness check is due `effectivenessAfterDays` after the
     * last corrective action is closed; nc-reminders chases a stage (containment, root cause,
     * verification, closure) at most once every `remindEveryDays`, the first time once the NC
     * has waited that long.
     */
    nc: z
      .strictObject({
        effectivenessAfterDays: z.number().int().min(0).max(365).default(30),
        remindEveryDays: z.number().int().min(1).max(365).default(7),
      })
      .prefault({}),
  })
  .superRefine((policy, ctx) => {
    const known = new Set([...BUILT_IN_ROLES, ...Object.keys(policy.groups)]);
    for (const [r, target] of Object.entries(policy.approvals.fallback)) {
      if (!known.has(r)) {
        ctx.addIssue({
          code: 'custom',
          path: ['approvals', 'fallback', r],
          message: `unknown role "${r}"; a fallback is set for one of ${[...known].join(', ')}`,
        });
      } else if (!memberId.safeParse(target).success && !policy.groups[target]) {
        ctx.addIssue({
          code: 'custom',
          path: ['approvals', 'fallback', r],
          message: `"${target}" is neither a group of groups nor a person (slack:U…, teams:<aad object id>, email:name@domain or shell:<name>)`,
        });
      }
    }
    const extra = policy.approvals.extraApprovers;
    for (const [cls, roles] of Object.entries(extra)) {
      for (const r of roles ?? []) {
        if (r === 'owner') continue;
        if (!policy.groups[r]) {
          ctx.addIssue({
            code: 'custom',
            path: ['approvals', 'extraApprovers', cls],
            message: `role "${r}" has no group; add groups.${r} with its members`,
          });
        }
      }
    }
  });

/** A validated policy. */
export type Policy = z.output<typeof policySchema>;

/** Validates a parsed policy object; throws `AimsError('invalid_policy')` naming the key. */
export function parsePolicy(input: unknown, source = 'policy'): Policy {
  const result = policySchema.safeParse(input ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const key = issue.path.length ? issue.path.join('.') : '(top level)';
  const detail =
    issue.code === 'unrecognized_keys' ? `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}` : issue.message;
  const where = issue.code === 'unrecognized_keys' && issue.path.length === 0 ? issue.keys.join(', ') : key;
  throw new AimsError('invalid_policy', `${source}: ${where}: ${detail}`);
}

/** Parses policy text (YAML or JSON; JSON is YAML). */
export function parsePolicyText(text: string, source = 'policy'): Policy {
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (err) {
    throw new AimsError('invalid_policy', `${source}: not valid YAML or JSON (${(err as Error).message.split('\n')[0]})`);
  }
  return parsePolicy(data, source);
}

/** Built-in defaults: no groups, no channels. */
export function defaultPolicy(): Policy {
  return parsePolicy({});
}

/** The policy the shell uses when none is given: groups are the people compliance, privacy, security. */
export function demoPolicy(): Policy {
  return parsePolicy({
    organization: { name: 'Demo organisation' },
    groups: { compliance: ['shell:compliance'], privacy: ['shell:privacy'], security: ['shell:security'] },
  });
}

/** The part of the policy the classifier reads. */
export function triagePolicyOf(policy: Policy): TriagePolicy {
  const r = policy.reviews;
  const org = policy.organization;
  return {
    // Version 1 answers read the old flag; a policy that only sets publicSector implies it.
    publicServiceProvider: org.publicServiceProvider ?? org.publicSector !== 'no',
    publicSector: org.publicSector,
    legalDates: policy.legalDates,
    reviewDays: {
      high: r.highDays,
      limited: r.limitedDays,
      minimal: r.minimalDays,
      out_of_scope: r.outOfScopeDays,
      excluded: r.excludedDays,
    },
    extraApprovers: policy.approvals.extraApprovers,
  };
}

/** Start-up warnings about keys that still work but should change (logged, never fatal). */
export function policyWarnings(policy: Policy): string[] {
  const org = policy.organization;
  if (org.publicServiceProvider === undefined) return [];
  return [
    `organization.publicServiceProvider is replaced by organization.publicSector; it is read as publicSector: "${org.publicSector}". Set organization.publicSector (one of ${PUBLIC_SECTOR_VALUES.join(', ')}) and remove publicServiceProvider`,
  ];
}

/**
 * The members a step routed to `group` waits for: the policy group's members, or the one person
 * a fallback names (a step's group is then a person id such as `shell:carol`).
 */
export function groupMembers(policy: Policy, group: string | null | undefined): string[] {
  if (!group) return [];
  if (group.includes(':')) return [group];
  return policy.groups[group] ?? [];
}

/** Whether a person (platform id and optional email) is a member of a policy group (or is the person it names). */
export function isGroupMember(policy: Policy, group: string, platformId: string, email?: string | null): boolean {
  const members = groupMembers(policy, group);
  if (members.includes(platformId)) return true;
  const wanted = email ? `email:${email.toLowerCase()}` : null;
  return !!wanted && members.some((m) => m.toLowerCase() === wanted);
}

/**
 * The Slack channel the policy names for `which` in the Slack team `teamId`: the one channel it
 * names for every workspace, or that team's entry when it names one per team (none for a team it
 * does not list).
 */
export function slackChannelOf(policy: Policy, which: 'approvals' | 'digest', teamId: string | null | undefined): string | undefined {
  const named = policy.channels[which]?.slack;
  if (named === undefined || typeof named === 'string') return named;
  return teamId ? named[teamId] : undefined;
}
