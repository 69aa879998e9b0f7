/** Teams commands and forms over HTTP: paged cards, invalid input, duplicates, references. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { teamsPeopleWithoutReference } from '../../adapters/teams';
import { aiSystems, approvalRequests, assessments, conversationRefs, people as peopleTable } from '../../db/schema';
import { questionnaire } from '../../flows/triage/questionnaire';
import { fieldsFor, highAnswers, minimalAnswers } from '../fixtures/answers';
import type { TeamsBench } from '../helpers/teams-harness';
import { APPROVALS, buttons, cardOf, cardText, formValues, inputs, people, startTeamsBench } from '../helpers/teams-harness';

let bench: TeamsBench;
beforeAll(async () => {
  bench = await startTeamsBench('pglite');
  await bench.installChannel();
  await bench.installPersonal(people.alice);
});
afterAll(async () => bench?.close());

describe('Teams commands', () => {
  it('answers help, and commands in a channel with the @mention stripped', async () => {
    const help = cardText(await bench.say(people.alice, 'help'));
    for (const c of ['register', 'check <name>', 'list', 'show <ref>', 'pending', 'review <ref>']) expect(help).toContain(c);
    const inChannel = cardText(await bench.sayInChannel(people.alice, 'check Nothing Here'));
    expect(inChannel).toContain('"Nothing Here" is not registered');
    expect(cardText(await bench.say(people.alice, 'frobnicate'))).toContain('Unknown command "frobnicate"');
  });

  it('renders page 1 from the registration fields and the triage pages from the questions', async () => {
    const first = await bench.say(people.alice, 'register');
    expect(inputs(first).map((i) => i.id)).toEqual(questionnaire.fields.map((f) => f.id));
    const owner = inputs(first).find((i) => i.id === 'owner')!;
    expect(owner['choices.data']).toEqual({ type: 'Data.Query', dataset: 'graph.microsoft.com/users' });
    expect(owner.value).toBe(people.alice.aad);
    const next = buttons(first).find((b) => b.data.action === 'form.next')!;
    const page2 = await bench.execute(people.alice, { ...next.data, ...fieldsFor('Paged Tool', people.alice.aad) });
    const ids = inputs(page2).map((i) => i.id);
    expect(ids).toEqual(questionnaire.questions.filter((q) => q.page === 2 && !q.when).map((q) => q.id));
    const caps = inputs(page2).find((i) => i.id === 'ai_capabilities')!;
    expect(caps).toMatchObject({ type: 'Input.ChoiceSet', isMultiSelect: true });
    // Answers so far ride in the action data.
    const carried = buttons(page2).find((b) => b.data.action === 'form.next')!.data;
    expect(carried.fields).toMatchObject({ name: 'Paged Tool', owner: `teams:${people.alice.aad}` });
    // "No AI at all" skips the AI pages: the next card is the result.
    const done = await bench.execute(people.alice, { ...carried, technique: 'rules_by_people', ai_capabilities: 'none', data_categories: 'internal' });
    expect(cardText(done)).toContain('Registered AI-');
    expect(cardText(done)).toContain('out of scope');
  });

  it('shows the "is it AI?" warning on the card after page 2', async () => {
    const first = await bench.say(people.alice, 'register');
    const next = buttons(first).find((b) => b.data.action === 'form.next')!;
    const page2 = await bench.execute(people.alice, { ...next.data, ...fieldsFor('Stats Tool', people.alice.aad) });
    const carried = buttons(page2).find((b) => b.data.action === 'form.next')!.data;
    const page3 = await bench.execute(people.alice, { ...carried, technique: 'basic_statistics', ai_capabilities: 'generates_content', data_categories: 'internal' });
    expect(cardText(page3)).toContain('The answers disagree');
    expect(inputs(page3).map((i) => i.id)).toContain('ai_act_exclusion');
  });

  it('shows the "is it AI?" warning on page 2 once before a tool that is not AI is submitted', async () => {
    const first = await bench.say(people.alice, 'register');
    const next = buttons(first).find((b) => b.data.action === 'form.next')!;
    const page2 = await bench.execute(people.alice, { ...next.data, ...fieldsFor('Rule Scorer', people.alice.aad) });
    const carried = buttons(page2).find((b) => b.data.action === 'form.next')!.data;
    const answers = { technique: 'rules_by_people', ai_capabilities: 'predicts_or_scores', data_categories: 'internal' };
    const warned = await bench.execute(people.alice, { ...carried, ...answers });
    expect(cardText(warned)).toContain('does not make a tool AI');
    expect(inputs(warned).map((i) => i.id)).toContain('technique');
    const again = buttons(warned).find((b) => b.data.action === 'form.next')!.data;
    expect(again.warned).toBe(true);
    const done = await bench.execute(people.alice, { ...again, ...answers });
    expect(cardText(done)).toContain('Registered AI-');
    expect(cardText(done)).toContain('out of scope');
  });

  it('shows invalid input on the same card, next to the fields, and stores nothing', async () => {
    const first = await bench.say(people.alice, 'register');
    const next = buttons(first).find((b) => b.data.action === 'form.next')!;
    const bad = await bench.execute(people.alice, { ...next.data, ...fieldsFor('', people.alice.aad), url: 'not a url', usage_status: 'sometimes' });
    const text = cardText(bad);
    expect(text).toContain('Please correct the fields');
    expect(text).toMatch(/Name: .*must not be empty|Name: .*required/);
    expect(text).toContain('Link: must be an http:// or https:// address');
    expect(text).toMatch(/Usage status: unknown value "sometimes"/);
    expect(inputs(bad).find((i) => i.id === 'url')!.value).toBe('not a url');

    const good = await bench.execute(people.alice, { ...next.data, ...fieldsFor('Valid Tool', people.alice.aad) });
    const next2 = buttons(good).find((b) => b.data.action === 'form.next')!;
    const badPage = await bench.execute(people.alice, { ...next2.data, ai_capabilities: 'generates_content,none', data_categories: '' });
    expect(cardText(badPage)).toContain('"none" cannot be combined');
    expect(cardText(badPage)).toMatch(/data_categories|What data/);
    expect(await bench.db.db.select().from(aiSystems).where(eq(aiSystems.name, 'Valid Tool'))).toHaveLength(0);
  });

  it('offers the existing system when the name is already registered', async () => {
    await bench.fillForm(people.alice, await bench.say(people.alice, 'register'), formValues(fieldsFor('ChatGPT Enterprise', people.alice.aad), minimalAnswers));
    const first = await bench.say(people.alice, 'register');
    const next = buttons(first).find((b) => b.data.action === 'form.next')!;
    const dup = await bench.execute(people.alice, { ...next.data, ...fieldsFor('chatgpt  ENTERPRISE!', people.alice.aad) });
    expect(cardText(dup)).toMatch(/already registered as AI-\d+/);
    expect(cardText(dup)).toContain('ChatGPT Enterprise');
    expect(await bench.db.db.select().from(aiSystems).where(eq(aiSystems.nameKey, 'chatgptenterprise'))).toHaveLength(1);
  });

  it('check, list, show and pending answer from the same flows', async () => {
    await bench.fillForm(people.alice, await bench.say(people.alice, 'register'), formValues(fieldsFor('CV Screener', people.bob.aad), highAnswers));
    const [sys] = await bench.db.db.select().from(aiSystems).where(eq(aiSystems.name, 'CV Screener'));
    const ref = `AI-${sys!.refNumber}`;
    // The v2 questionnaire was asked and the assessment keeps its version.
    const [assessment] = await bench.db.db.select().from(assessments).where(eq(assessments.systemId, sys!.id));
    expect(assessment?.questionnaireVersion).toBe(2);
    expect(assessment?.answers).toMatchObject({ technique: 'machine_learning', ai_act_exclusion: 'none', substantially_modified: false, decides_about_people: true });
    expect(cardText(await bench.say(people.alice, 'check cv screener'))).toContain('waiting for approval');
    expect(cardText(await bench.say(people.alice, 'list'))).toContain('CV Screener');
    expect(cardText(await bench.say(people.alice, `show ${ref}`))).toContain('Approval');
    const pending = await bench.say(people.bob, 'pending');
    expect(cardText(pending)).toContain(`${ref}`);
    expect(buttons(pending)[0]!.data).toMatchObject({ action: 'approval.open' });
    expect(cardText(await bench.say(people.bob, 'show'))).toContain('Usage: show <ref>');
    // Not approved yet: no review to confirm or snooze; the owner may only retire it.
    const review = await bench.say(people.bob, `review ${ref}`);
    expect(cardText(review)).toContain('only an approved tool has a review');
    expect(buttons(review).map((b) => b.data.action)).toEqual(['review.retire']);
  });
});

describe('Teams conversation references', () => {
  it('stores references on install and first contact, per person and per channel', async () => {
    const refs = await bench.db.db.select().from(conversationRefs);
    const keys = refs.map((r) => r.refKey);
    expect(keys).toContain(`person:teams:${people.alice.aad}`);
    expect(keys).toContain(`channel:${APPROVALS}`);
    expect(keys).toContain(`person:teams:${people.bob.aad}`); // bob spoke to the bot
  });

  it('mentions a submitter without a reference in the approvals channel; the helper lists them', async () => {
    // Dora never installed the app; she registers through a channel and is told there.
    await bench.say(people.alice, 'help');
    const first = await bench.sayInChannel(people.dpo, 'register');
    const next = buttons(first).find((b) => b.data.action === 'form.next')!;
    let card = await bench.execute(people.dpo, { ...next.data, ...fieldsFor('Quiet Tool', people.dpo.aad) }, { channel: true });
    const values = formValues({}, minimalAnswers);
    for (let i = 0; i < 6; i++) {
      const b = buttons(card).find((x) => x.data.action === 'form.next');
      if (!b) break;
      const data: Record<string, unknown> = { ...b.data };
      for (const input of inputs(card)) data[String(input.id)] = values[String(input.id)] ?? '';
      card = await bench.execute(people.dpo, data, { channel: true });
    }
    expect(cardText(card)).toContain('Registered');
    const [sys] = await bench.db.db.select().from(aiSystems).where(eq(aiSystems.name, 'Quiet Tool'));
    const [dora] = await bench.db.db.select().from(peopleTable).where(eq(peopleTable.platformId, `teams:${people.dpo.aad}`));
    expect(dora!.email).toBe('dpo@acme.example');
    const [alice] = await bench.db.db.select().from(peopleTable).where(eq(peopleTable.platformId, `teams:${people.alice.aad}`));
    expect(await teamsPeopleWithoutReference(bench.db.db, dora!.workspaceId, [dora!.id, alice!.id])).toEqual([dora!.id]);

    await bench.drain();
    // The owner step is hers: she decides it from the channel card, and the outcome mentions her there.
    const [owner] = await bench.db.db.select().from(aiSystems).where(eq(aiSystems.id, sys!.id));
    expect(owner!.status).toBe('pending_approval');
    const view = await bench.execute(people.dpo, { action: 'approval.refresh', requestId: 999999 }, { channel: true });
    expect(cardText(view)).toContain('does not exist');
    const sentBefore = bench.fake.sent(APPROVALS).length;
    const pending = await bench.sayInChannel(people.dpo, 'pending');
    const [request] = await bench.db.db.select().from(approvalRequests).where(eq(approvalRequests.systemId, sys!.id));
    const open = buttons(pending).find((b) => b.data.action === 'approval.open' && b.data.requestId === request!.id);
    expect(open, cardText(pending)).toBeDefined();
    const mine = await bench.execute(people.dpo, open!.data, { channel: true });
    const approve = buttons(mine).find((b) => b.data.action === 'approval.approve')!;
    const approved = await bench.execute(people.dpo, approve.data, { channel: true });
    expect(cardText(approved)).toContain('Recorded');
    await bench.drain();
    const posts = bench.fake.sent(APPROVALS).slice(sentBefore);
    // The outcome, not the risk-assessment prompt that also reaches her there by mention.
    const mention = posts.find((p) => String(p.body?.text ?? '').includes(`<at>${people.dpo.name}</at>`) && !JSON.stringify(p.body).includes('risk.assess'));
    expect(mention).toBeDefined();
    expect((mention!.body!.entities as Array<{ mentioned: { id: string } }>)[0]!.mentioned.id).toBe(people.dpo.aad);
    expect(cardText(cardOf(mention!.body))).toContain('Quiet Tool was approved');
  });
});
