/** Matching a typed name or link to the AI tool catalog, and searching it for pickers. */
import { describe, expect, it } from 'vitest';
import { matchCatalog, searchCatalog } from '../../flows';

const id = (text: string) => matchCatalog(text)?.id;

describe('matchCatalog', () => {
  it('matches names, ids and aliases whatever the case, spacing and punctuation', () => {
    expect(id('ChatGPT')).toBe('chatgpt');
    expect(id('  chat-gpt ')).toBe('chatgpt');
    expect(id('CHAT GPT')).toBe('chatgpt');
    expect(id('otter-ai')).toBe('otter-ai');
    expect(id('Otter')).toBe('otter-ai');
    expect(id('tl;dv')).toBe('tldv');
    expect(id('TLDV')).toBe('tldv');
    expect(id('Eleven Labs')).toBe('elevenlabs');
    expect(id('codewhisperer')).toBe('amazon-q-developer');
  });

  it('ignores accents and typographic punctuation', () => {
    expect(id('DALL·E')).toBe('dall-e');
    expect(id('Dall-E')).toBe('dall-e');
    expect(id('Le Chât')).toBe('mistral-le-chat');
    expect(id('Grammarly®')).toBe('grammarly');
  });

  it('matches a name followed by a plan or edition', () => {
    expect(id('ChatGPT Plus')).toBe('chatgpt');
    expect(id('chatgpt enterprise')).toBe('chatgpt');
    expect(id('ChatGPT Team')).toBe('chatgpt');
    expect(id('Claude Pro')).toBe('claude');
    expect(id('Claude for Work')).toBe('claude');
    expect(id('Gemini Advanced')).toBe('gemini');
    expect(id('DeepL Pro')).toBe('deepl');
    expect(id('Midjourney pro plan')).toBe('midjourney');
    expect(id('Teams Premium')).toBe('teams-premium-recap');
  });

  it('matches links and bare domains, with www. and subdomains', () => {
    expect(id('https://chatgpt.com/c/123')).toBe('chatgpt');
    expect(id('https://www.chatgpt.com')).toBe('chatgpt');
    expect(id('chat.openai.com')).toBe('chatgpt');
    expect(id('www.otter.ai/u/abc?x=1')).toBe('otter-ai');
    expect(id('HTTPS://APP.FIREFLIES.AI/view/x')).toBe('fireflies');
    expect(id('Otter.ai')).toBe('otter-ai');
    expect(id('http://example.com')).toBeUndefined();
    expect(id('evilchatgpt.com')).toBeUndefined();
    expect(id('chatgpt.com.evil.example')).toBeUndefined();
  });

  it('does not find short aliases inside other words or in longer names', () => {
    expect(id('Finance tool')).toBeUndefined();
    expect(id('Fin')).toBe('intercom-fin');
    expect(id('spotter')).toBeUndefined();
    expect(id('Otterly')).toBeUndefined();
    expect(id('Gongs')).toBeUndefined();
    expect(id('Our CV screener')).toBeUndefined();
    expect(id('ChatGPT clone we built')).toBeUndefined();
    expect(id('Pro')).toBeUndefined();
    expect(id('')).toBeUndefined();
    expect(id('  ')).toBeUndefined();
    expect(id('x'.repeat(5000))).toBeUndefined();
  });
});

describe('searchCatalog', () => {
  it('finds tools by prefix of name, alias or a word of the name, names first', () => {
    const names = searchCatalog('ch').map((t) => t.id);
    expect(names[0]).toBe('character-ai');
    expect(names).toContain('chatgpt');
    expect(searchCatalog('copilot').map((t) => t.id)).toEqual(expect.arrayContaining(['github-copilot', 'microsoft-copilot']));
    expect(searchCatalog('firefl').map((t) => t.id)).toEqual(['fireflies', 'adobe-firefly']);
    expect(searchCatalog('ZOOM').map((t) => t.id)).toEqual(expect.arrayContaining(['zoom-ai-companion', 'zoom-docs-ai']));
  });

  it('gives nothing for an empty prefix and honours the limit', () => {
    expect(searchCatalog('')).toEqual([]);
    expect(searchCatalog(' - ')).toEqual([]);
    expect(searchCatalog('a', 3)).toHaveLength(3);
  });
});
