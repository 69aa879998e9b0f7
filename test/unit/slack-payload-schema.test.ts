import { parse } from 'node:querystring';
import { describe, expect, it } from 'vitest';
import { slackPayloadProblem } from '../../adapters/slack/payload-schema';

const fields = {
  command: '/aims',
  text: 'check ChatGPT',
  user_id: 'U0ALICE',
  team_id: 'T0TEAM',
  channel_id: 'C0GENERAL',
  trigger_id: '123.456.abc',
  response_url: 'https://hooks.slack.com/commands/T0TEAM/1/x',
};

describe('slash command bodies', () => {
  it('accepts a well-formed command, an empty text included', () => {
    expect(slackPayloadProblem({ ...fields }, true)).toBeNull();
    expect(slackPayloadProblem({ ...fields, text: '' }, true)).toBeNull();
    expect(slackPayloadProblem(parse(new URLSearchParams(fields).toString()), true)).toBeNull();
  });

  it('names the field that is missing, empty, repeated or of the wrong kind', () => {
    for (const key of ['user_id', 'team_id', 'channel_id', 'trigger_id', 'response_url'] as const) {
      const { [key]: _gone, ...without } = fields;
      expect(slackPayloadProblem(without, true)?.field).toBe(key);
      expect(slackPayloadProblem({ ...fields, [key]: '' }, true)?.field).toBe(key);
    }
    // A field sent twice parses as an array.
    expect(slackPayloadProblem(parse(`${new URLSearchParams(fields).toString()}&text=again`), true)?.field).toBe('text');
    expect(slackPayloadProblem({ ...fields, command: 'aims' }, true)?.field).toBe('command');
    expect(slackPayloadProblem({ ...fields, text: undefined }, true)?.field).toBe('text');
  });
});
