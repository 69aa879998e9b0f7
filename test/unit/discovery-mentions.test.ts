/** Channel discovery: which catalog tools a message mentions, and the nudge throttle window. */
import { describe, expect, it } from 'vitest';
import { findToolMentions, nudgeDue, NUDGE_WINDOW_DAYS } from '../../flows';

const ids = (text: string) => findToolMentions(text).map((t) => t.id);

describe('findToolMentions', () => {
  it('finds names and aliases as whole words, whatever the case and punctuation', () => {
    expect(ids('I asked ChatGPT about it')).toEqual(['chatgpt']);
    expect(ids('chatgpt!')).toEqual(['chatgpt']);
    expect(ids('have you tried chat-gpt or Chat GPT?')).toEqual(['chatgpt']);
    expect(ids('CHAT GPT wrote this')).toEqual(['chatgpt']);
    expect(ids('Otter took the notes')).toEqual(['otter-ai']);
    expect(ids('(otter), otter; "Otter.AI"')).toEqual(['otter-ai']);
  });

  it('does not find a short alias inside another word', () => {
    expect(ids('the otters in the river')).toEqual([]);
    expect(ids('a botter otterly hotter')).toEqual([]);
    expect(ids('chatgpts4ever')).toEqual([]);
    expect(ids('nothing to see here')).toEqual([]);
    expect(ids('')).toEqual([]);
  });

  it('finds links to a tool’s domain: Slack link syntax, plain URLs, bare domains and subdomains', () => {
    expect(ids('see <https://chat.openai.com/share/abc|this chat>')).toEqual(['chatgpt']);
    expect(ids('<https://chatgpt.com/c/123>')).toEqual(['chatgpt']);
    expect(ids('link: https://chatgpt.com/g/x?y=1#z')).toEqual(['chatgpt']);
    expect(ids('go to www.chatgpt.com now')).toEqual(['chatgpt']);
    expect(ids('notes at HTTPS://EU.OTTER.AI/u/1')).toEqual(['otter-ai']);
    expect(ids('otter.ai')).toEqual(['otter-ai']);
  });

  it('does not take a look-alike domain or a name in a foreign link’s path', () => {
    expect(ids('https://notchatgpt.com/x')).toEqual([]);
    expect(ids('https://chatgpt.com.evil.example/x')).toEqual([]);
    expect(ids('https://example.com/otter/chatgpt')).toEqual([]);
  });

  it('ignores Slack user, channel and special mentions', () => {
    expect(ids('<@U123|otter> <#C1|chatgpt> <!channel>')).toEqual([]);
  });

  it('lists several tools once each, in catalog order', () => {
    expect(ids('Otter and ChatGPT and https://chatgpt.com and otter again')).toEqual(['chatgpt', 'otter-ai']);
  });

  it('survives hostile and huge text', () => {
    expect(ids('\u202Echatgpt\u202C <!channel> *bold* =cmd')).toEqual(['chatgpt']);
    expect(ids(`${'a.'.repeat(30_000)} otter`)).toEqual([]);
  });
});

describe('nudge window', () => {
  const at = new Date('2026-12-01T10:00:00Z');
  const days = (n: number) => new Date(at.getTime() + n * 86_400_000);
  it('nudges a person about a tool once per 30 days', () => {
    expect(NUDGE_WINDOW_DAYS).toBe(30);
    expect(nudgeDue(null, at)).toBe(true);
    expect(nudgeDue(at, at)).toBe(false);
    expect(nudgeDue(at, days(29))).toBe(false);
    expect(nudgeDue(at, new Date(days(30).getTime() - 1))).toBe(false);
    expect(nudgeDue(at, days(30))).toBe(true);
  });
});
