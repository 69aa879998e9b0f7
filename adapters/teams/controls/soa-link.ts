/**
 * How Teams gets the SoA file. A bot cannot post a text file in a Teams chat without the
 * file-consent flow and OneDrive, so the SoA card links to `GET /api/soa/<token>` on our own
 * HTTP server: the token names the workspace and the SHA-256 of the statement the card shows,
 * expires after {@link SOA_LINK_TTL_MS}, and is signed (HMAC-SHA-256) with a key derived from the
 * bot's app password (shared by replicas), or a random per-process key without one.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import type { FlowDeps } from '../../../flows';
import * as flows from '../../../flows';

/** How long a download link works (15 minutes). */
export const SOA_LINK_TTL_MS = 15 * 60 * 1000;
/** The route the links point to. */
export const SOA_LINK_PATH = '/api/soa';

/** Signs and checks download tokens. */
export interface SoaLinks {
  /** The link of a statement of `workspaceId` with `hash`, or null without a public URL. */
  link(workspaceId: number, hash: string, now: Date): string | null;
  /** The express handler of `GET /api/soa/:token`. */
  handler(req: Request, res: Response): Promise<void>;
}

const b64 = (buf: Buffer) => buf.toString('base64url');

/** Download links under the public URL `publicUrl()` gives; the key comes from `secret` when given. */
export function createSoaLinks(deps: FlowDeps, publicUrl: () => string | undefined, secret: string | undefined): SoaLinks {
  const key = secret ? createHash('sha256').update(`aimsbot soa download\n${secret}`).digest() : randomBytes(32);
  const sign = (payload: string) => b64(createHmac('sha256', key).update(payload).digest());
  return {
    link(workspaceId, hash, now) {
      const base = publicUrl()?.replace(/\/+$/, '');
      if (!base) return null;
      const payload = `${workspaceId}.${hash}.${Math.floor((now.getTime() + SOA_LINK_TTL_MS) / 1000)}`;
      return `${base}${SOA_LINK_PATH}/${payload}.${sign(payload)}`;
    },
    async handler(req, res) {
      const m = /^(\d{1,10})\.([0-9a-f]{64})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(String(req.params.token ?? ''));
      const fail = (status: number, text: string) => void res.status(status).type('text/plain').set('cache-control', 'no-store').send(text);
      if (!m) return fail(404, 'No such file.');
      const payload = `${m[1]}.${m[2]}.${m[3]}`;
      const given = Buffer.from(m[4]!, 'base64url');
      const wanted = Buffer.from(sign(payload), 'base64url');
      if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) return fail(404, 'No such file.');
      if (Number(m[3]) * 1000 < deps.clock.now().getTime()) return fail(410, 'This link has expired: send soa to the bot again for a new one.');
      const doc = await flows.soaByHash(deps.db, deps.policy, Number(m[1]), m[2]!);
      if (!doc) return fail(410, 'The Statement of Applicability changed since this link was made: send soa to the bot again.');
      res
        .status(200)
        .type('text/markdown; charset=utf-8')
        .set('cache-control', 'no-store')
        .set('content-disposition', `attachment; filename="statement-of-applicability-${doc.version === 'draft' ? doc.hash.slice(0, 12) : doc.version}.md"`)
        .send(flows.soaMarkdown(doc));
    },
  };
}
