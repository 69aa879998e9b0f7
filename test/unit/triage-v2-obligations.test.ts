/** One named test per v2 obligation row (with duty and date) and control rule (triage.md §9, §10, §12). */
import { describe, expect, it } from 'vitest';
import { OBLIGATION_REFS_V2 } from '../../flows/triage/obligations-v2';
import { assistant, chatbot, cvScreener, highV2, idsV2, rowOf, runV2, v2 } from '../helpers/triage-answers-v2';

const IN_SCOPE = ['A.2.2', 'A.3.2', 'A.3.3', 'A.4.2', 'A.5.2', 'A.6.2.6', 'A.9.2', 'A.9.3', 'A.9.4'];
/** High-risk only through Annex I: a vendor product that is a safety component. */
const annexIOnly = v2(assistant, { safety_component: true, vendor_intended_purpose: true, substantially_modified: false });
/** An exempted Annex III use (Art. 6(3)). */
const exempted = highV2({ art6_3_conditions: ['preparatory'], profiles_people: false, vendor_intended_purpose: undefined, substantially_modified: undefined, decides_about_people: undefined });
const provider = { vendor_intended_purpose: false };

describe('obligation rows: id, ref, duty, applicableFrom', () => {
  it('every row cites the reference of its table row', () => {
    const c = runV2(highV2({ ...provider, affected_people: ['employees'], data_categories: ['special_category'] }));
    for (const o of c.obligations) expect(o.ref).toBe(OBLIGATION_REFS_V2[o.id as keyof typeof OBLIGATION_REFS_V2]);
  });
  it('ai_literacy — Art. 4 — organisation — 2025-02-02', () => {
    expect(rowOf(runV2(assistant), 'ai_literacy')).toEqual({ id: 'ai_literacy', ref: 'Art. 4', duty: 'organisation', applicableFrom: '2025-02-02' });
  });
  it('stop_use — Art. 5 — organisation — 2025-02-02, 2026-12-02 when NCII is the only ground', () => {
    expect(runV2(v2(assistant, { prohibited_practices: ['manipulation'] })).obligations).toEqual([
      { id: 'stop_use', ref: 'Art. 5', duty: 'organisation', applicableFrom: '2025-02-02' },
    ]);
    expect(rowOf(runV2(v2(assistant, { prohibited_practices: ['non_consensual_intimate_imagery'] })), 'stop_use')?.applicableFrom).toBe('2026-12-02');
    expect(rowOf(runV2(v2(assistant, { prohibited_practices: ['non_consensual_intimate_imagery', 'manipulation'] })), 'stop_use')?.applicableFrom).toBe('2025-02-02');
  });
  it('provider_high_risk — Art. 16; Arts. 9–15, 17–20, 43, 47–49 — provider — 2027-12-02 (annex_i only 2028-08-02)', () => {
    expect(rowOf(runV2(highV2(provider)), 'provider_high_risk')).toEqual({
      id: 'provider_high_risk', ref: 'Art. 16; Arts. 9–15, 17–20, 43, 47–49', duty: 'provider', applicableFrom: '2027-12-02',
    });
    expect(rowOf(runV2(v2(annexIOnly, provider)), 'provider_high_risk')?.applicableFrom).toBe('2028-08-02');
    expect(idsV2(runV2(cvScreener))).not.toContain('provider_high_risk');
  });
  it('post_market_monitoring — Art. 72 — provider — as provider_high_risk', () => {
    expect(rowOf(runV2(highV2(provider)), 'post_market_monitoring')).toEqual({ id: 'post_market_monitoring', ref: 'Art. 72', duty: 'provider', applicableFrom: '2027-12-02' });
    expect(rowOf(runV2(v2(annexIOnly, provider)), 'post_market_monitoring')?.applicableFrom).toBe('2028-08-02');
  });
  it('serious_incident_reporting — Art. 73 — provider — as provider_high_risk', () => {
    expect(rowOf(runV2(highV2(provider)), 'serious_incident_reporting')).toEqual({ id: 'serious_incident_reporting', ref: 'Art. 73', duty: 'provider', applicableFrom: '2027-12-02' });
    expect(rowOf(runV2(v2(annexIOnly, provider)), 'serious_incident_reporting')?.applicableFrom).toBe('2028-08-02');
  });
  it('deployer_high_risk — Art. 26 — deployer — 2027-12-02 (annex_i only 2028-08-02)', () => {
    expect(rowOf(runV2(cvScreener), 'deployer_high_risk')).toEqual({ id: 'deployer_high_risk', ref: 'Art. 26', duty: 'deployer', applicableFrom: '2027-12-02' });
    expect(rowOf(runV2(annexIOnly), 'deployer_high_risk')?.applicableFrom).toBe('2028-08-02');
  });
  it('inform_workers — Art. 26(7) — deployer — when employees are affected', () => {
    expect(rowOf(runV2(highV2({ affected_people: ['employees'] })), 'inform_workers')).toEqual({ id: 'inform_workers', ref: 'Art. 26(7)', duty: 'deployer', applicableFrom: '2027-12-02' });
    expect(rowOf(runV2(v2(annexIOnly, { affected_people: ['employees'] })), 'inform_workers')?.applicableFrom).toBe('2028-08-02');
    expect(idsV2(runV2(cvScreener))).not.toContain('inform_workers');
  });
  it('inform_affected_persons — Art. 26(11) — deployer — 2027-12-02, Annex III route and decisions about people only', () => {
    expect(rowOf(runV2(cvScreener), 'inform_affected_persons')).toEqual({ id: 'inform_affected_persons', ref: 'Art. 26(11)', duty: 'deployer', applicableFrom: '2027-12-02' });
    expect(idsV2(runV2(highV2({ decides_about_people: false })))).not.toContain('inform_affected_persons');
    expect(idsV2(runV2(v2(annexIOnly, { affected_people: ['customers'] })))).not.toContain('inform_affected_persons');
  });
  it('explanation_on_request — Art. 86 — deployer — 2027-12-02, not for critical infrastructure', () => {
    expect(rowOf(runV2(cvScreener), 'explanation_on_request')).toEqual({ id: 'explanation_on_request', ref: 'Art. 86', duty: 'deployer', applicableFrom: '2027-12-02' });
    expect(idsV2(runV2(highV2({ annex_iii_uses: ['critical_infrastructure'] })))).not.toContain('explanation_on_request');
    expect(idsV2(runV2(highV2({ decides_about_people: false })))).not.toContain('explanation_on_request');
  });
  it('register_use — Art. 26(8); Art. 49(3) — deployer — public_authority or acting_for_public_authority', () => {
    expect(rowOf(runV2(highV2({ public_sector: 'public_authority' })), 'register_use')).toEqual({ id: 'register_use', ref: 'Art. 26(8); Art. 49(3)', duty: 'deployer', applicableFrom: '2027-12-02' });
    expect(idsV2(runV2(highV2({ public_sector: 'acting_for_public_authority' })))).toContain('register_use');
    expect(idsV2(runV2(highV2({ public_sector: 'body_governed_by_public_law' })))).not.toContain('register_use');
    expect(idsV2(runV2(cvScreener, { publicSector: 'public_authority' }))).toContain('register_use');
    expect(idsV2(runV2(highV2({ public_sector: 'public_authority', annex_iii_uses: ['critical_infrastructure'] })))).not.toContain('register_use');
  });
  it('fria — Art. 27 — deployer — any public_sector but no, or credit or insurance; not area 2', () => {
    for (const sector of ['public_authority', 'acting_for_public_authority', 'body_governed_by_public_law', 'private_public_service']) {
      expect(rowOf(runV2(highV2({ public_sector: sector })), 'fria')).toEqual({ id: 'fria', ref: 'Art. 27', duty: 'deployer', applicableFrom: '2027-12-02' });
    }
    expect(idsV2(runV2(highV2({ public_sector: 'no' })))).not.toContain('fria');
    expect(idsV2(runV2(highV2({ annex_iii_uses: ['credit_scoring'] })))).toContain('fria');
    expect(idsV2(runV2(highV2({ annex_iii_uses: ['insurance_pricing'] })))).toContain('fria');
    expect(idsV2(runV2(highV2({ annex_iii_uses: ['critical_infrastructure'], public_sector: 'public_authority' })))).not.toContain('fria');
  });
  it('art6_3_record — Art. 6(4); Art. 49(2) — provider — only when we are provider', () => {
    const own = v2(exempted, { model_origin: 'built_on_vendor_model' });
    expect(rowOf(runV2(own), 'art6_3_record')).toEqual({ id: 'art6_3_record', ref: 'Art. 6(4); Art. 49(2)', duty: 'provider', applicableFrom: '2027-12-02' });
    expect(idsV2(runV2(exempted))).not.toContain('art6_3_record');
  });
  it('ask_provider_art6_3 — ISO/IEC 42001 A.5.3; A.10.3 — organisation — deployer only', () => {
    expect(rowOf(runV2(exempted), 'ask_provider_art6_3')).toEqual({
      id: 'ask_provider_art6_3', ref: 'ISO/IEC 42001 A.5.3; A.10.3 (Art. 6(4) binds the provider)', duty: 'organisation', applicableFrom: '2027-12-02',
    });
    expect(idsV2(runV2(v2(exempted, { model_origin: 'built_on_vendor_model' })))).not.toContain('ask_provider_art6_3');
  });
  it('disclose_ai_interaction — Art. 50(1) — provider when we provide, else deployer with a warning — 2026-08-02', () => {
    expect(rowOf(runV2(chatbot), 'disclose_ai_interaction')).toEqual({ id: 'disclose_ai_interaction', ref: 'Art. 50(1)', duty: 'provider', applicableFrom: '2026-08-02' });
    const vendorBot = runV2(v2(chatbot, { model_origin: 'vendor_configured' }));
    expect(rowOf(vendorBot, 'disclose_ai_interaction')?.duty).toBe('deployer');
    expect(vendorBot.warnings.map((w) => w.id)).toContain('vendor_must_disclose');
    expect(runV2(chatbot).warnings.map((w) => w.id)).not.toContain('vendor_must_disclose');
  });
  it('disclose_ai_interaction for staff needs a chat assistant that we provide under Art. 3(3)', () => {
    const own = v2(assistant, { model_origin: 'built_on_vendor_model' });
    expect(idsV2(runV2(own))).toContain('disclose_ai_interaction');
    expect(idsV2(runV2(v2(own, { ai_capabilities: ['generates_content'] })))).not.toContain('disclose_ai_interaction');
    expect(idsV2(runV2(assistant))).not.toContain('disclose_ai_interaction');
    // Provider only through Art. 25: Art. 16 applies, not the Art. 50 provider duties.
    const byPurpose = runV2(highV2({ vendor_intended_purpose: false, ai_capabilities: ['generates_content', 'conversational_agent'], interacts_with_people: 'internal_staff' }));
    expect(idsV2(byPurpose)).not.toContain('disclose_ai_interaction');
    expect(idsV2(byPurpose)).not.toContain('mark_synthetic_content');
  });
  it('mark_synthetic_content — Art. 50(2) — provider — 2026-08-02', () => {
    expect(rowOf(runV2(chatbot), 'mark_synthetic_content')).toEqual({ id: 'mark_synthetic_content', ref: 'Art. 50(2)', duty: 'provider', applicableFrom: '2026-08-02' });
    expect(idsV2(runV2(assistant))).not.toContain('mark_synthetic_content');
  });
  it('disclose_deepfake — Art. 50(4) — deployer — 2026-08-02', () => {
    expect(rowOf(runV2(v2(assistant, { synthetic_media: ['deepfake'] })), 'disclose_deepfake')).toEqual({ id: 'disclose_deepfake', ref: 'Art. 50(4)', duty: 'deployer', applicableFrom: '2026-08-02' });
  });
  it('disclose_ai_text — Art. 50(4) — deployer — 2026-08-02, without editorial control only', () => {
    expect(rowOf(runV2(v2(assistant, { synthetic_media: ['public_interest_text'], editorial_control: false })), 'disclose_ai_text')).toEqual({ id: 'disclose_ai_text', ref: 'Art. 50(4)', duty: 'deployer', applicableFrom: '2026-08-02' });
    expect(idsV2(runV2(v2(assistant, { synthetic_media: ['public_interest_text'], editorial_control: true })))).not.toContain('disclose_ai_text');
  });
  it('inform_exposed_persons — Art. 50(3) — deployer — 2026-08-02, whatever the class', () => {
    const high = runV2(highV2({ ai_capabilities: ['emotion_recognition'], emotion_purpose: 'medical_or_safety', emotion_subjects: ['others'] }));
    expect(high.riskClass).toBe('high');
    expect(rowOf(high, 'inform_exposed_persons')).toEqual({ id: 'inform_exposed_persons', ref: 'Art. 50(3)', duty: 'deployer', applicableFrom: '2026-08-02' });
  });
  it('dpia — GDPR Art. 35 — organisation — 2018-05-25', () => {
    expect(rowOf(runV2(cvScreener), 'dpia')).toEqual({ id: 'dpia', ref: 'GDPR Art. 35', duty: 'organisation', applicableFrom: '2018-05-25' });
    expect(idsV2(runV2(v2(assistant, { data_categories: ['personal'] })))).not.toContain('dpia');
  });
  it('vendor_data_terms — ISO 42001 A.10.3 — organisation — no date', () => {
    expect(rowOf(runV2(v2(assistant, { data_categories: ['confidential'], vendor_trains_on_inputs: 'yes' })), 'vendor_data_terms')).toEqual({
      id: 'vendor_data_terms', ref: 'ISO 42001 A.10.3', duty: 'organisation', applicableFrom: null,
    });
  });
  it('obligations come in table order', () => {
    const c = runV2(highV2({ ...provider, affected_people: ['employees'], public_sector: 'public_authority', data_categories: ['special_category'], interacts_with_people: 'external_people' }));
    expect(idsV2(c)).toEqual([
      'ai_literacy', 'provider_high_risk', 'post_market_monitoring', 'serious_incident_reporting', 'deployer_high_risk',
      'inform_workers', 'inform_affected_persons', 'explanation_on_request', 'register_use', 'fria', 'disclose_ai_interaction', 'dpia',
    ]);
  });
  it('the policy legalDates override a date by id', () => {
    const c = runV2(cvScreener, { legalDates: { deployer_high_risk: '2026-08-02' } });
    expect(rowOf(c, 'deployer_high_risk')?.applicableFrom).toBe('2026-08-02');
    expect(rowOf(c, 'inform_affected_persons')?.applicableFrom).toBe('2027-12-02');
  });
});

describe('controls (§10, §12.17, §12.23)', () => {
  it('vendor_as_is and vendor_configured: in-scope set plus A.10.2, A.10.3', () => {
    expect(runV2(assistant).controls).toEqual([...IN_SCOPE, 'A.10.2', 'A.10.3']);
    expect(runV2(v2(assistant, { model_origin: 'vendor_configured' })).controls).toEqual([...IN_SCOPE, 'A.10.2', 'A.10.3']);
  });
  it('built_on_vendor_model: A.4.3, A.4.4, A.6.2.4, A.6.2.5 plus A.10.2, A.10.3', () => {
    const c = runV2(v2(assistant, { model_origin: 'built_on_vendor_model', ai_capabilities: ['predicts_or_scores'] }));
    expect(c.controls).toEqual(['A.2.2', 'A.3.2', 'A.3.3', 'A.4.2', 'A.4.3', 'A.4.4', 'A.5.2', 'A.6.2.4', 'A.6.2.5', 'A.6.2.6', 'A.9.2', 'A.9.3', 'A.9.4', 'A.10.2', 'A.10.3']);
  });
  it('every high-risk deployer gets A.4.6', () => {
    expect(runV2(cvScreener).controls).toContain('A.4.6');
  });
  it('a high-risk provider of any origin gets the development and reporting controls', () => {
    const c = runV2(highV2(provider));
    for (const id of ['A.6.1.2', 'A.6.1.3', 'A.6.2.2', 'A.6.2.3', 'A.6.2.4', 'A.6.2.5', 'A.6.2.7', 'A.7.2', 'A.7.3', 'A.7.4', 'A.7.5', 'A.7.6', 'A.8.3', 'A.8.5']) {
      expect(c.controls).toContain(id);
    }
    expect(runV2(cvScreener).controls).not.toContain('A.6.1.2');
  });
  it('excluded systems get no class-driven or external controls', () => {
    const c = runV2(v2(chatbot, { ai_act_exclusion: 'military_defence', offered_externally: false }));
    for (const id of ['A.8.2', 'A.8.3', 'A.8.5', 'A.10.4']) expect(c.controls).not.toContain(id);
  });
  it('prohibited: A.5.2, A.5.4, A.5.5 only; out of scope: none', () => {
    expect(runV2(v2(assistant, { prohibited_practices: ['social_scoring'] })).controls).toEqual(['A.5.2', 'A.5.4', 'A.5.5']);
  });
});
