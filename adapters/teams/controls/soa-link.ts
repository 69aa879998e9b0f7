/**
 * How Teams gets the SoA file: the SoA card links to `GET /api/soa/<token>` on our own HTTP server
 * (see ../signed-links.ts); the token names the workspace and the SHA-256 of the statement the
 * card shows, and expires after {@link SOA_LINK_TTL_MS}.
 */
import type { Request, Response } from 'express';
import type { FlowDeps } from '../../../flows';
import * as flows from '../../../flows';
import { createSignedLinks, refuseLink } from '../signed-links';

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

/** Download links under the public URL `publicUrl()` gives; the key comes from `secret` when given. */
export function createSoaLinks(deps: FlowDeps, publicUrl: () => string | undefined, secret: string | undefined): SoaLinks {
  const links = createSignedLinks({ purpose: 'soa download', path: SOA_LINK_PATH, ttlMs: SOA_LINK_TTL_MS, publicUrl, secret });
  return {
    link: (workspaceId, hash, now) => links.link([workspaceId, hash], now),
    async handler(req, res) {
      const v = links.verify(String(req.params.token ?? ''), deps.clock.now());
      if ('status' in v) return refuseLink(res, v.status, v.status === 410 ? 'This link has expired: send soa to the bot again for a new one.' : 'No such file.');
      const [ws = '', hash = ''] = v.parts;
      if (v.parts.length !== 2 || !/^\d{1,10}$/.test(ws) || !/^[0-9a-f]{64}$/.test(hash)) return refuseLink(res, 404, 'No such file.');
      const doc = await flows.soaByHash(deps.db, deps.policy, Number(ws), hash);
      if (!doc) return refuseLink(res, 410, 'The Statement of Applicability changed since this link was made: send soa to the bot again.');
      res
        .status(200)
        .type('text/markdown; charset=utf-8')
        .set('cache-control', 'no-store')
        .set('content-disposition', `attachment; filename="statement-of-applicability-${doc.version === 'draft' ? doc.hash.slice(0, 12) : doc.version}.md"`)
        .send(flows.soaMarkdown(doc));
    },
  };
}
