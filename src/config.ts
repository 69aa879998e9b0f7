/**
 * Configuration from the environment, validated with zod: defaults, then env, then the policy
 * file. A misconfiguration stops start-up with the variable named and what to do.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { Policy } from '../flows/policy';
import { defaultPolicy, demoPolicy, parsePolicyText } from '../flows/policy';
import { AimsError } from '../flows/errors';
import type { AuditKey } from '../flows/audit-hash';
import { AUDIT_KEY_MIN_LENGTH, auditKey } from '../flows/audit-hash';
import type { EncryptionKey } from '../adapters/slack/seal';
import { ENCRYPTION_KEY_HINT, parseEncryptionKey } from '../adapters/slack/seal';
import type { WorkLimits } from '../flows/work-gate';
import { DEFAULT_WORK_LIMITS } from '../flows/work-gate';

const optionalString = z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), z.string().optional());

/** An optional whole number of at least `min`, given as a string. */
function count(min: number, message: string) {
  return optionalString.pipe(
    z
      .string()
      .regex(/^\d{1,9}$/, { message })
      .transform(Number)
      .pipe(z.number().min(min, { message }))
      .optional(),
  );
}

const envSchema = z.object({
  /** Postgres connection string; unset: embedded PGlite under AIMS_DATA_DIR. */
  DATABASE_URL: optionalString.pipe(
    z.string().regex(/^postgres(ql)?:\/\//, { message: 'must start with postgres:// or postgresql://' }).optional(),
  ),
  /** Where embedded data lives. Default `./.aimsbot`. */
  AIMS_DATA_DIR: optionalString.transform((v) => v ?? './.aimsbot'),
  /** Redis for BullMQ; unset: in-process scheduler. */
  REDIS_URL: optionalString.pipe(z.string().regex(/^rediss?:\/\//, { message: 'must start with redis:// or rediss://' }).optional()),
  /** Policy file (YAML or JSON); unset: built-in defaults. */
  AIMS_POLICY: optionalString,
  /** HTTP port. Default 3000. */
  PORT: optionalString.transform((v) => Number(v ?? '3000')).pipe(z.number({ message: 'must be a port number (0–65535)' }).int({ message: 'must be a port number (0–65535)' }).min(0, { message: 'must be a port number (0–65535)' }).max(65535, { message: 'must be a port number (0–65535)' })),
  /** HTTP host. Default 0.0.0.0. */
  HOST: optionalString.transform((v) => v ?? '0.0.0.0'),
  /** Bearer token `GET /metrics` requires. Unset: none. At least 16 visible ASCII characters, no spaces. */
  METRICS_TOKEN: optionalString.pipe(
    z
      .string()
      .min(16, { message: 'must be at least 16 characters (e.g. `openssl rand -hex 32`)' })
      .regex(/^[\x21-\x7e]+$/, { message: 'must be visible ASCII characters without spaces' })
      .optional(),
  ),
  /** Port (1–65535) of a loopback-only listener that alone serves `/metrics`. Unset: `/metrics` on PORT. */
  METRICS_PORT: optionalString.pipe(
    z
      .string()
      .regex(/^\d{1,5}$/, { message: 'must be a port number (1–65535)' })
      .transform(Number)
      .pipe(z.number().min(1, { message: 'must be a port number (1–65535)' }).max(65535, { message: 'must be a port number (1–65535)' }))
      .optional(),
  ),
  /** Requests worked on at once behind the ack, per process. Default 64. */
  AIMS_MAX_IN_FLIGHT: count(1, 'must be a whole number of at least 1'),
  /** Requests waiting for a slot, per process; beyond it they are answered "busy". Default 256; 0: none wait. */
  AIMS_MAX_QUEUED: count(0, 'must be a whole number of at least 0'),
  SLACK_BOT_TOKEN: optionalString,
  SLACK_SIGNING_SECRET: optionalString,
  SLACK_APP_TOKEN: optionalString,
  /** Slack Web API base URL. Default https://slack.com/api/ */
  SLACK_API_URL: optionalString.pipe(z.string().url({ message: 'must be a URL' }).optional()),
  /** Slack OAuth install (many workspaces): the app's client id. Unset: one workspace with SLACK_BOT_TOKEN. */
  SLACK_CLIENT_ID: optionalString,
  /** Slack OAuth install: the app's client secret. Never logged. */
  SLACK_CLIENT_SECRET: optionalString,
  /** Slack OAuth install: signs the install `state` (CSRF protection). Never logged. */
  SLACK_STATE_SECRET: optionalString,
  /** 32 bytes (64 hex characters or base64) that encrypt stored installation tokens (AES-256-GCM). Required with OAuth. */
  AIMS_ENCRYPTION_KEY: optionalString,
  MICROSOFT_APP_ID: z.string().optional(),
  MICROSOFT_APP_PASSWORD: optionalString,
  MICROSOFT_APP_TENANT_ID: optionalString,
  MICROSOFT_APP_TYPE: optionalString.pipe(z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).optional()),
  /** `1` turns Teams on even with an empty app id (local testing). */
  AIMS_TEAMS: optionalString,
  /** Public base URL of this server (e.g. https://aims.example.com): Teams SoA download links point there. */
  AIMS_PUBLIC_URL: optionalString.pipe(z.url().optional()),
  NODE_ENV: optionalString,
  /**
   * HMAC key for the audit chain, kept outside the database (at least 32 characters, e.g.
   * `openssl rand -hex 32`). Unset: events are chained with plain SHA-256. Never logged.
   */
  AIMS_AUDIT_KEY: optionalString.pipe(
    z
      .string()
      .min(AUDIT_KEY_MIN_LENGTH, { message: `must be at least ${AUDIT_KEY_MIN_LENGTH} characters (generate one with: openssl rand -hex 32)` })
      .optional(),
  ),
  /** pino level. Default info. */
  LOG_LEVEL: optionalString.pipe(z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional()),
});

/** The validated configuration. */
export interface Config {
  databaseUrl: string | undefined;
  dataDir: string;
  redisUrl: string | undefined;
  policyFile: string | undefined;
  port: number;
  host: string;
  /** How `/metrics` is protected: a bearer token, a loopback port of its own, both, or neither. */
  metrics: { token: string | undefined; port: number | undefined };
  logLevel: string;
  production: boolean;
  slack:
    | {
        /** The one workspace's bot token; empty with OAuth (each workspace's token is stored). */
        botToken: string;
        signingSecret: string;
        appToken: string | undefined;
        apiUrl: string;
        /** The OAuth install (many workspaces), or undefined: one workspace with the bot token. */
        oauth?: SlackOAuthConfig | undefined;
        limits: WorkLimits;
      }
    | null;
  teams: { appId: string; appPassword: string | undefined; tenantId: string | undefined; appType: string; limits: WorkLimits; publicUrl?: string | undefined } | null;
  /** The audit chain's HMAC key (AIMS_AUDIT_KEY), or null: plain SHA-256. Its bytes never serialise. */
  auditKey: AuditKey | null;
}

/** Slack OAuth install settings (SLACK_CLIENT_ID, SLACK_CLIENT_SECRET, SLACK_STATE_SECRET, AIMS_ENCRYPTION_KEY). */
export interface SlackOAuthConfig {
  clientId: string;
  clientSecret: string;
  stateSecret: string;
  /** Encrypts the stored tokens; its bytes never serialise. */
  encryptionKey: EncryptionKey;
}

/** The OAuth settings when SLACK_CLIENT_ID (or its companions) are set; each missing one is named. */
function slackOAuth(e: z.infer<typeof envSchema>): SlackOAuthConfig | undefined {
  if (!e.SLACK_CLIENT_ID && !e.SLACK_CLIENT_SECRET && !e.SLACK_STATE_SECRET) return undefined;
  const need = (v: string | undefined, name: string, what: string): string => {
    if (!v) throw new AimsError('invalid_input', `${name}: required for the Slack OAuth install (${what}), together with SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET`);
    return v;
  };
  const clientId = need(e.SLACK_CLIENT_ID, 'SLACK_CLIENT_ID', 'Basic Information → Client ID');
  const clientSecret = need(e.SLACK_CLIENT_SECRET, 'SLACK_CLIENT_SECRET', 'Basic Information → Client Secret');
  const stateSecret = need(e.SLACK_STATE_SECRET, 'SLACK_STATE_SECRET', 'any random string, e.g. openssl rand -hex 32');
  if (!e.AIMS_ENCRYPTION_KEY) {
    throw new AimsError('invalid_input', `AIMS_ENCRYPTION_KEY: required with the Slack OAuth install (it encrypts the stored workspace tokens); ${ENCRYPTION_KEY_HINT}`);
  }
  const encryptionKey = parseEncryptionKey(e.AIMS_ENCRYPTION_KEY);
  if (!encryptionKey) throw new AimsError('invalid_input', `AIMS_ENCRYPTION_KEY: must be 32 bytes; ${ENCRYPTION_KEY_HINT}`);
  if (e.SLACK_BOT_TOKEN) {
    throw new AimsError('invalid_input', 'SLACK_BOT_TOKEN: leave it unset with SLACK_CLIENT_ID (each workspace gets its own token when it installs the app at /slack/install)');
  }
  if (e.SLACK_APP_TOKEN) {
    throw new AimsError('invalid_input', 'SLACK_APP_TOKEN: the Slack OAuth install runs in HTTP mode; unset SLACK_APP_TOKEN (Socket Mode) or the SLACK_CLIENT_* variables');
  }
  if (!e.SLACK_SIGNING_SECRET) throw new AimsError('invalid_input', 'SLACK_SIGNING_SECRET: required with SLACK_CLIENT_ID (Basic Information → Signing Secret)');
  return { clientId, clientSecret, stateSecret, encryptionKey };
}

/** Reads and validates the environment. Throws `AimsError('invalid_input')` naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new AimsError('invalid_input', `${issue.path.join('.')}: ${issue.message}`);
  }
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';
  if (e.METRICS_PORT !== undefined && e.METRICS_PORT === e.PORT) {
    throw new AimsError('invalid_input', `METRICS_PORT: must differ from PORT (${e.PORT}); /metrics gets a listener of its own on 127.0.0.1`);
  }
  const workLimits: WorkLimits = {
    maxInFlight: e.AIMS_MAX_IN_FLIGHT ?? DEFAULT_WORK_LIMITS.maxInFlight,
    maxQueued: e.AIMS_MAX_QUEUED ?? DEFAULT_WORK_LIMITS.maxQueued,
  };
  let slack: Config['slack'] = null;
  const oauth = slackOAuth(e);
  if (oauth) {
    slack = { botToken: '', signingSecret: e.SLACK_SIGNING_SECRET ?? '', appToken: undefined, apiUrl: e.SLACK_API_URL ?? 'https://slack.com/api/', oauth, limits: workLimits };
  } else if (e.SLACK_BOT_TOKEN || e.SLACK_SIGNING_SECRET || e.SLACK_APP_TOKEN) {
    if (!e.SLACK_BOT_TOKEN) throw new AimsError('invalid_input', 'SLACK_BOT_TOKEN: required when Slack is configured (the xoxb- token of the app)');
    if (!e.SLACK_SIGNING_SECRET && !e.SLACK_APP_TOKEN) {
      throw new AimsError('invalid_input', 'SLACK_SIGNING_SECRET: required for Slack HTTP mode (or set SLACK_APP_TOKEN for Socket Mode)');
    }
    slack = {
      botToken: e.SLACK_BOT_TOKEN,
      signingSecret: e.SLACK_SIGNING_SECRET ?? '',
      appToken: e.SLACK_APP_TOKEN,
      apiUrl: e.SLACK_API_URL ?? 'https://slack.com/api/',
      limits: workLimits,
    };
  }
  let teams: Config['teams'] = null;
  const appId = e.MICROSOFT_APP_ID?.trim() ?? '';
  // In production an app id that is set but empty (or a password without an app id) asks for
  // Teams without authentication too: refuse it rather than silently run without Teams.
  const emptyAppIdGiven = production && (e.MICROSOFT_APP_ID !== undefined || !!e.MICROSOFT_APP_PASSWORD);
  if (appId || e.AIMS_TEAMS === '1' || emptyAppIdGiven) {
    if (!appId && production) {
      throw new AimsError(
        'invalid_input',
        'MICROSOFT_APP_ID: an empty app id (unauthenticated) is refused when NODE_ENV=production; set the Azure bot app id and password, or unset MICROSOFT_APP_ID and AIMS_TEAMS to run without Teams',
      );
    }
    if (appId && !e.MICROSOFT_APP_PASSWORD && (e.MICROSOFT_APP_TYPE ?? 'MultiTenant') !== 'UserAssignedMSI') {
      throw new AimsError('invalid_input', 'MICROSOFT_APP_PASSWORD: required with MICROSOFT_APP_ID (the client secret of the Azure bot)');
    }
    teams = { appId, appPassword: e.MICROSOFT_APP_PASSWORD, tenantId: e.MICROSOFT_APP_TENANT_ID, appType: e.MICROSOFT_APP_TYPE ?? 'MultiTenant', limits: workLimits, publicUrl: e.AIMS_PUBLIC_URL };
  }
  return {
    databaseUrl: e.DATABASE_URL,
    dataDir: e.AIMS_DATA_DIR,
    redisUrl: e.REDIS_URL,
    policyFile: e.AIMS_POLICY,
    port: e.PORT,
    host: e.HOST,
    metrics: { token: e.METRICS_TOKEN, port: e.METRICS_PORT },
    logLevel: e.LOG_LEVEL ?? 'info',
    production,
    slack,
    teams,
    auditKey: e.AIMS_AUDIT_KEY ? auditKey(e.AIMS_AUDIT_KEY) : null,
  };
}

/** Loads the policy file named by the config; without one, the defaults (or the shell's demo policy). */
export function loadPolicy(config: Pick<Config, 'policyFile'>, fallback: 'default' | 'demo' = 'default'): Policy {
  if (!config.policyFile) return fallback === 'demo' ? demoPolicy() : defaultPolicy();
  let text: string;
  try {
    text = readFileSync(config.policyFile, 'utf8');
  } catch (err) {
    throw new AimsError('invalid_policy', `AIMS_POLICY: cannot read ${config.policyFile} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  return parsePolicyText(text, `AIMS_POLICY ${config.policyFile}`);
}
