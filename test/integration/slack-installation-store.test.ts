/**
 * The Postgres installation store on both databases: Bolt's store / fetch / delete by team or
 * enterprise, a team of an org served by the org-wide install, revoked installs never fetched,
 * and sealed rows that do not open on another row or with another key.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Installation } from '@slack/bolt';
import { eq } from 'drizzle-orm';
import { slackInstallations } from '../../db/schema';
import { createInstallationStore, NoInstallationError } from '../../adapters/slack/installation-store';
import { parseEncryptionKey, SealError } from '../../adapters/slack/seal';
import { testClock } from '../helpers/clock';
import { createTestDatabase, DB_KINDS } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';

const key = parseEncryptionKey('1a'.repeat(32))!;
const otherKey = parseEncryptionKey('2b'.repeat(32))!;

const teamInstall = (team: string, token: string): Installation<'v2', false> => ({
  team: { id: team, name: team },
  enterprise: undefined,
  user: { id: 'U0ADMIN', token: `xoxp-${token}`, scopes: ['identify'] },
  bot: { id: 'B1', userId: 'U0BOT', token: `xoxb-${token}`, scopes: ['commands'], refreshToken: `xoxe-${token}`, expiresAt: 2_000_000_000 },
  isEnterpriseInstall: false,
  appId: 'A0AIMS',
  authVersion: 'v2',
  tokenType: 'bot',
});

const orgInstall = (enterprise: string, token: string): Installation<'v2', true> => ({
  team: undefined,
  enterprise: { id: enterprise, name: 'Org' },
  user: { id: 'U0ADMIN', token: undefined, scopes: undefined },
  bot: { id: 'B2', userId: 'U0BOTORG', token: `xoxb-${token}`, scopes: ['commands'] },
  isEnterpriseInstall: true,
  appId: 'A0AIMS',
  authVersion: 'v2',
  tokenType: 'bot',
});

describe.each(DB_KINDS)('Slack installation store (%s)', (kind) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
  });
  afterAll(async () => {
    await database?.destroy();
  });

  it('stores sealed, fetches by team, replaces on reinstall, deletes', async () => {
    const store = createInstallationStore({ db: database.db, clock: testClock(), key });
    await store.storeInstallation(teamInstall('T1', 'first'));
    const [row] = await database.db.select().from(slackInstallations).where(eq(slackInstallations.installKey, 'team:T1'));
    expect(row!.sealed).not.toMatch(/xox[bpe]-/);
    const fetched = await store.fetchInstallation({ teamId: 'T1', enterpriseId: undefined, isEnterpriseInstall: false });
    expect(fetched).toMatchObject({ bot: { token: 'xoxb-first', refreshToken: 'xoxe-first' }, user: { token: 'xoxp-first' } });

    await store.storeInstallation(teamInstall('T1', 'second'));
    expect((await store.fetchInstallation({ teamId: 'T1', enterpriseId: undefined, isEnterpriseInstall: false })).bot?.token).toBe('xoxb-second');
    expect(await database.db.select().from(slackInstallations).where(eq(slackInstallations.installKey, 'team:T1'))).toHaveLength(1);

    await store.deleteInstallation({ teamId: 'T1', enterpriseId: undefined, isEnterpriseInstall: false });
    await expect(store.fetchInstallation({ teamId: 'T1', enterpriseId: undefined, isEnterpriseInstall: false })).rejects.toBeInstanceOf(NoInstallationError);
  });

  it('serves a team of an org from the org-wide install, and stops every team of the org on revoke', async () => {
    const store = createInstallationStore({ db: database.db, clock: testClock(), key });
    await store.storeInstallation(orgInstall('E1', 'org'));
    await store.storeInstallation(teamInstall('T9', 'own')); // a team of the org with its own install
    expect((await store.fetchInstallation({ teamId: 'T5', enterpriseId: 'E1', isEnterpriseInstall: true })).bot?.token).toBe('xoxb-org');
    expect((await store.fetchInstallation({ teamId: 'T5', enterpriseId: 'E1', isEnterpriseInstall: false })).bot?.token).toBe('xoxb-org');
    expect(await store.sourceForTeam('T5')).toBeNull(); // not seen yet
    await store.noteTeam('T5', 'E1');
    await store.noteTeam('T6', 'E1');
    await store.noteTeam('T9', 'E1');
    expect(await store.sourceForTeam('T5')).toEqual({ teamId: 'T5', enterpriseId: 'E1', isEnterpriseInstall: true });
    expect(await store.sourceForTeam('T9')).toEqual({ teamId: 'T9', enterpriseId: undefined, isEnterpriseInstall: false });

    const stopped = await store.revoke({ teamId: undefined, enterpriseId: 'E1', isEnterpriseInstall: true }, 'app_uninstalled');
    expect(stopped.sort()).toEqual(['T5', 'T6']);
    expect(await store.sourceForTeam('T5')).toBeNull();
    expect(await store.sourceForTeam('T9')).not.toBeNull();
    await expect(store.fetchInstallation({ teamId: 'T5', enterpriseId: 'E1', isEnterpriseInstall: true })).rejects.toBeInstanceOf(NoInstallationError);
    const [row] = await database.db.select().from(slackInstallations).where(eq(slackInstallations.installKey, 'enterprise:E1'));
    expect(row).toMatchObject({ sealed: null, revokedBy: 'app_uninstalled' });

    // Installing again clears the revocation.
    await store.storeInstallation(orgInstall('E1', 'org2'));
    expect((await store.fetchInstallation({ teamId: 'T5', enterpriseId: 'E1', isEnterpriseInstall: true })).bot?.token).toBe('xoxb-org2');
  });

  it('does not open a sealed installation moved to another row, or with another key', async () => {
    const store = createInstallationStore({ db: database.db, clock: testClock(), key });
    await store.storeInstallation(teamInstall('T2', 'two'));
    await store.storeInstallation(teamInstall('T3', 'three'));
    const [two] = await database.db.select().from(slackInstallations).where(eq(slackInstallations.installKey, 'team:T2'));
    await database.db.update(slackInstallations).set({ sealed: two!.sealed }).where(eq(slackInstallations.installKey, 'team:T3'));
    await expect(store.fetchInstallation({ teamId: 'T3', enterpriseId: undefined, isEnterpriseInstall: false })).rejects.toBeInstanceOf(SealError);
    const wrongKey = createInstallationStore({ db: database.db, clock: testClock(), key: otherKey });
    await expect(wrongKey.fetchInstallation({ teamId: 'T2', enterpriseId: undefined, isEnterpriseInstall: false })).rejects.toBeInstanceOf(SealError);
  });
});
