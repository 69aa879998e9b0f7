import type { Socket } from 'node:net';
import { RespondError } from '@slack/bolt';
import { afterEach, describe, expect, it } from 'vitest';
import type { LocalHttp } from '../helpers/local-http';
import { listenLocal } from '../helpers/local-http';
import { createResponseUrlPost } from '../../adapters/slack/response-url';

let server: LocalHttp | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A local response URL; `handle` answers each post (body already read). */
async function listen(handle: Parameters<typeof listenLocal>[0]): Promise<string> {
  server = await listenLocal(handle);
  return `${server.base}/commands/T1/123`;
}

describe('posting to a response URL', () => {
  it('posts the message as JSON, as respond() does, on kept-alive connections', async () => {
    const got: Array<{ method?: string; path?: string; type?: string; body: unknown; socket: Socket }> = [];
    const url = await listen((req, body, res) => {
      got.push({ method: req.method, path: req.url, type: req.headers['content-type'], body: JSON.parse(body), socket: req.socket });
      res.end('ok');
    });
    const post = createResponseUrlPost();
    await post(url, { response_type: 'ephemeral', text: 'Nothing is registered under "x".', blocks: undefined });
    await post(url, { response_type: 'ephemeral', text: 'second' });
    expect(got.map(({ socket: _s, ...g }) => g)).toEqual([
      { method: 'POST', path: '/commands/T1/123', type: 'application/json', body: { response_type: 'ephemeral', text: 'Nothing is registered under "x".' } },
      { method: 'POST', path: '/commands/T1/123', type: 'application/json', body: { response_type: 'ephemeral', text: 'second' } },
    ]);
    expect(got[1]!.socket).toBe(got[0]!.socket);
  });

  it('rejects with a RespondError carrying the status when the URL refuses the post', async () => {
    const url = await listen((_req, _body, res) => void res.writeHead(404).end('expired_url'));
    const err = await createResponseUrlPost()(url, { text: 'late' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RespondError);
    expect((err as RespondError).statusCode).toBe(404);
  });

  it('sends again once when the server closed the kept connection as the post went out', async () => {
    let posts = 0;
    const url = await listen((req, _body, res) => {
      posts += 1;
      // The second post arrives on the kept connection: drop it without an answer, as a server
      // closing an idle connection does.
      if (posts === 2) return void req.socket.destroy();
      res.end('ok');
    });
    const post = createResponseUrlPost();
    await post(url, { text: 'one' });
    await post(url, { text: 'two' });
    expect(posts).toBe(3);
  });

  it('gives up when no answer comes in time, and refuses a URL that is not http(s)', async () => {
    const url = await listen(() => {});
    await expect(createResponseUrlPost({ timeoutMs: 200 })(url, { text: 'x' })).rejects.toThrow(/within 200 ms/);
    await expect(createResponseUrlPost()('file:///etc/passwd', { text: 'x' })).rejects.toThrow(/not http/);
  });
});
