/** Obligation dates: the data file, the policy overrides and how surfaces phrase them (triage.md §9, §12.13, §12.19). */
import { describe, expect, it } from 'vitest';
import { LEGAL_DATES, appliesPhrase, sortByApplicability } from '../../flows/triage/legal-dates';
import { OBLIGATION_TITLE, obligationLines } from '../../flows/obligation-text';
import { OBLIGATION_REFS_V2 } from '../../flows/triage/obligations-v2';
import { AimsError } from '../../flows/errors';
import { parsePolicy, policyWarnings, triagePolicyOf } from '../../flows/policy';

describe('the dates data file', () => {
  it('holds a date and a source note for every v2 obligation', () => {
    for (const id of Object.keys(OBLIGATION_REFS_V2)) {
      const entry = (LEGAL_DATES as Record<string, { date: string | null; note: string }>)[id];
      expect(entry, id).toBeDefined();
      expect(entry!.note.length, id).toBeGreaterThan(10);
    }
    expect(LEGAL_DATES.deployer_high_risk.note).toContain('Art. 113 as amended by the 2026 Digital Omnibus on AI, as publicly reported — verify against the Official Journal');
    expect(LEGAL_DATES.mark_synthetic_content.note).toContain('2 December 2026');
  });
});

describe('phrasing against the clock', () => {
  it('says "applies since" for past dates (and today), "applies from" for future ones', () => {
    expect(appliesPhrase('2025-02-02', '2026-11-30')).toBe('applies since 2 Feb 2025');
    expect(appliesPhrase('2027-12-02', '2026-11-30')).toBe('applies from 2 Dec 2027');
    expect(appliesPhrase('2026-12-02', '2026-12-02')).toBe('applies since 2 Dec 2026');
    expect(appliesPhrase(null, '2026-11-30')).toBe('no fixed date');
  });
  it('sorts what applies now first, then what applies later, then undated', () => {
    const list = [
      { id: 'later', applicableFrom: '2027-12-02' },
      { id: 'none', applicableFrom: null },
      { id: 'now', applicableFrom: '2025-02-02' },
      { id: 'soon', applicableFrom: '2026-08-02' },
      { id: 'gdpr', applicableFrom: '2018-05-25' },
    ];
    expect(sortByApplicability(list, '2026-11-30').map((o) => o.id)).toEqual(['gdpr', 'now', 'soon', 'later', 'none']);
    expect(sortByApplicability(list, '2028-01-01').map((o) => o.id)).toEqual(['gdpr', 'now', 'soon', 'later', 'none']);
  });
  it('obligationLines reads each row with duty and date, for the day given', () => {
    const lines = obligationLines(
      [
        { id: 'deployer_high_risk', ref: 'Art. 26', duty: 'deployer', applicableFrom: '2027-12-02' },
        { id: 'ai_literacy', ref: 'Art. 4', duty: 'organisation', applicableFrom: '2025-02-02' },
      ],
      new Date('2026-11-30T12:00:00Z'),
    );
    expect(lines).toEqual([
      'AI literacy (Art. 4) — organisation duty, applies since 2 Feb 2025',
      'High-risk deployer duties (Art. 26) — deployer duty, applies from 2 Dec 2027',
    ]);
    expect(obligationLines([{ id: 'ai_literacy', ref: 'Art. 4' }])).toEqual(['AI literacy (Art. 4)']);
    // People read names, not ids; an id without a name reads as its words.
    expect(obligationLines([{ id: 'some_new_duty', ref: 'Art. 99' }])).toEqual(['Some new duty (Art. 99)']);
  });

  it('every obligation of questionnaire v2 has a name people read', () => {
    for (const id of Object.keys(OBLIGATION_REFS_V2)) expect(OBLIGATION_TITLE[id], id).toMatch(/^[A-Z][^_]*$/);
  });
});

describe('policy: legalDates, publicSector, reviews.excludedDays', () => {
  const message = (input: unknown): string => {
    try {
      parsePolicy(input);
    } catch (err) {
      expect(err).toBeInstanceOf(AimsError);
      return (err as Error).message;
    }
    return expect.fail('policy was accepted');
  };
  it('legalDates overrides dates by id and reaches the classifier', () => {
    const p = parsePolicy({ legalDates: { deployer_high_risk: '2026-08-02', 'stop_use.ncii_only': '2026-10-01' } });
    expect(triagePolicyOf(p).legalDates).toEqual({ deployer_high_risk: '2026-08-02', 'stop_use.ncii_only': '2026-10-01' });
  });
  it('an unknown id is refused with a message naming it', () => {
    expect(message({ legalDates: { deployer_high_rsik: '2026-08-02' } })).toContain('legalDates.deployer_high_rsik: unknown obligation date id "deployer_high_rsik"');
  });
  it('a value that is not an ISO date is refused', () => {
    expect(message({ legalDates: { fria: '2 Dec 2027' } })).toContain('legalDates.fria: must be an ISO date YYYY-MM-DD');
    expect(message({ legalDates: { fria: '2027-02-30' } })).toContain('legalDates.fria');
  });
  it('organization.publicSector takes the five values, default no', () => {
    expect(parsePolicy({}).organization.publicSector).toBe('no');
    expect(triagePolicyOf(parsePolicy({ organization: { publicSector: 'public_authority' } })).publicSector).toBe('public_authority');
    expect(message({ organization: { publicSector: 'yes' } })).toContain('organization.publicSector');
  });
  it('an old publicServiceProvider: true is read as body_governed_by_public_law, with a warning to set publicSector', () => {
    const p = parsePolicy({ organization: { publicServiceProvider: true } });
    expect(p.organization.publicSector).toBe('body_governed_by_public_law');
    expect(triagePolicyOf(p).publicSector).toBe('body_governed_by_public_law');
    expect(triagePolicyOf(p).publicServiceProvider).toBe(true);
    expect(policyWarnings(p)).toEqual([expect.stringContaining('Set organization.publicSector')]);
    expect(policyWarnings(parsePolicy({ organization: { publicSector: 'no' } }))).toEqual([]);
    expect(parsePolicy({ organization: { publicServiceProvider: false } }).organization.publicSector).toBe('no');
  });
  it('reviews.excludedDays is at most 365', () => {
    expect(parsePolicy({ reviews: { excludedDays: 200 } }).reviews.excludedDays).toBe(200);
    expect(message({ reviews: { excludedDays: 400 } })).toContain('reviews.excludedDays');
  });
});

describe('obligation texts (§12.10, §12.11, §12.22)', () => {
  it('every v2 obligation has a text; the clarified ones say what the specification asks', async () => {
    const { obligationTextOf } = await import('../../flows/triage/obligation-texts');
    for (const id of Object.keys(OBLIGATION_REFS_V2)) expect(obligationTextOf(id, 'organisation').length, id).toBeGreaterThan(10);
    expect(obligationTextOf('ask_provider_art6_3', 'organisation')).toContain('record our own reasoning');
    expect(obligationTextOf('disclose_ai_interaction', 'provider')).toContain('obvious from the context');
    expect(obligationTextOf('disclose_ai_interaction', 'deployer')).toContain('check that it does');
    expect(obligationTextOf('explanation_on_request', 'deployer')).toContain('known simplification');
  });
});
