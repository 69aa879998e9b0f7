/**
 * Who a campaign asks. The policy's `discovery.audience` names people (`slack:U…`, `teams:…`,
 * `email:…`) and channels (`slack:C…`/`slack:G…`, `teams:19:…@thread…`, or `#C…`); unset, it is
 * everyone the bot can reach. What a platform knows (its user list, a channel's members, who an
 * email address is) comes through {@link AudienceDirectory}, a port each adapter implements, so
 * this file never talks to Slack or Teams. Bots, Slackbot and deactivated accounts are left out,
 * and a person named twice (directly, by email and through channels) is asked once.
 */
import type { ActorInput, Platform } from '../../ports';

/** A person as the platform lists them. */
export interface AudienceMember extends ActorInput {
  /** Bots and apps never get a survey. */
  isBot?: boolean | undefined;
  /** Deactivated accounts never get a survey. */
  deleted?: boolean | undefined;
}

/** What an adapter tells a campaign about the people it can reach (one workspace). */
export interface AudienceDirectory {
  /** Everyone the bot can reach (Slack `users.list`; Teams the roster of installed teams and people). */
  everyone(): Promise<AudienceMember[]>;
  /** The members of a channel (platform id without prefix, e.g. `C0123`). */
  channelMembers(channel: string): Promise<AudienceMember[]>;
  /** The person with this email address, when the platform can tell. */
  byEmail?(email: string): Promise<AudienceMember | null>;
}

/** One entry of `discovery.audience`, parsed. */
export type AudienceEntry =
  | { kind: 'person'; platformId: string }
  | { kind: 'email'; email: string }
  | { kind: 'channel'; platform: Platform | null; channel: string }
  | { kind: 'unknown'; text: string };

/** Slack's own bot user, which `users.list` returns like a person. */
export const SLACKBOT = 'USLACKBOT';

/** Parses one audience entry of the policy. */
export function parseAudienceEntry(raw: string): AudienceEntry {
  const text = raw.trim();
  if (text.startsWith('#')) return { kind: 'channel', platform: null, channel: text.slice(1) };
  const slack = /^slack:([A-Z0-9]+)$/.exec(text);
  if (slack) {
    const id = slack[1]!;
    return /^[CG]/.test(id) ? { kind: 'channel', platform: 'slack', channel: id } : { kind: 'person', platformId: text };
  }
  if (/^teams:19:/.test(text)) return { kind: 'channel', platform: 'teams', channel: text.slice('teams:'.length) };
  if (/^teams:[\w-]+$/.test(text)) return { kind: 'person', platformId: text };
  if (/^shell:[\w.-]+$/.test(text)) return { kind: 'person', platformId: text };
  const email = /^email:([^@\s]+@[^@\s]+)$/.exec(text);
  if (email) return { kind: 'email', email: email[1]!.toLowerCase() };
  return { kind: 'unknown', text };
}

/** Whether a listed person may be asked: not a bot, not Slackbot, not deactivated. */
export function reachable(m: AudienceMember): boolean {
  return !m.isBot && !m.deleted && m.platformId !== `slack:${SLACKBOT}` && m.platformId.length > 0;
}

/** The resolved audience: people to ask (deduplicated, in the order met) and entries that named nobody. */
export interface ResolvedAudience {
  people: AudienceMember[];
  /** Entries of the policy that are of another platform, unknown or named nobody reachable. */
  skipped: string[];
}

/**
 * Resolves the audience for a workspace on `platform`: the policy's entries when given (people
 * of that platform, email addresses the platform knows, channel members), else everyone.
 */
export async function resolveAudience(entries: readonly string[] | undefined, platform: Platform, dir: AudienceDirectory): Promise<ResolvedAudience> {
  const seen = new Map<string, AudienceMember>();
  const skipped: string[] = [];
  const add = (m: AudienceMember) => {
    if (!reachable(m) || !m.platformId.startsWith(`${platform}:`)) return false;
    const known = seen.get(m.platformId);
    if (!known) seen.set(m.platformId, m);
    else if (!known.displayName && m.displayName) seen.set(m.platformId, { ...known, ...m });
    return true;
  };
  if (!entries || entries.length === 0) {
    for (const m of await dir.everyone()) add(m);
    return { people: [...seen.values()], skipped };
  }
  // Flags come from the full list: a person named directly is still left out when a bot or deactivated.
  let everyone: Map<string, AudienceMember> | null = null;
  const flagsOf = async (platformId: string): Promise<AudienceMember> => {
    everyone ??= new Map((await dir.everyone()).map((m) => [m.platformId, m]));
    return everyone.get(platformId) ?? { platformId };
  };
  for (const raw of entries) {
    const e = parseAudienceEntry(raw);
    let found = false;
    if (e.kind === 'person') {
      if (e.platformId.startsWith(`${platform}:`)) found = add(await flagsOf(e.platformId));
    } else if (e.kind === 'email') {
      const m = (await dir.byEmail?.(e.email)) ?? null;
      if (m) found = add(m);
    } else if (e.kind === 'channel' && (e.platform === null || e.platform === platform)) {
      for (const m of await dir.channelMembers(e.channel)) found = add(m.isBot === undefined && m.deleted === undefined ? await flagsOf(m.platformId).then((f) => ({ ...m, ...f })) : m) || found;
    }
    if (!found) skipped.push(raw);
  }
  return { people: [...seen.values()], skipped };
}
