/**
 * How Teams gets the management review's files: a message over about 28 KB is refused and a file
 * needs the file-consent flow, so the pack card shows the charts from, and links the PDF and
 * Markdown to, `GET /api/management-review/<token>` on our own HTTP server (see
 * ../signed-links.ts); the token names the workspace, the review and the file, and expires after
 * {@link PACK_LINK_TTL_MS}.
 */
import type { Request, Response } from 'express';
import type { FlowDeps } from '../../../flows';
import * as flows from '../../../flows';
import { createSignedLinks, refuseLink } from '../signed-links';

/** How long a link works (30 days: the pack is read before and at the review meeting). */
export const PACK_LINK_TTL_MS = 30 * 24 * 60 * 60 * 1000;
/** The route the links point to. */
export const PACK_LINK_PATH = '/api/management-review';

/** Signs links and serves them. */
export interface PackLinks {
  /** The link of `file` (`pdf`, `md`, or a chart name) of a review, or null without a public URL. */
  link(workspaceId: number, reviewId: number, file: string, now: Date): string | null;
  /** The express handler of `GET /api/management-review/:token`. */
  handler(req: Request, res: Response): Promise<void>;
}

/** Links under `publicUrl()`; the key comes from `secret` when given. */
export function createPackLinks(deps: FlowDeps, publicUrl: () => string | undefined, secret: string | undefined): PackLinks {
  const links = createSignedLinks({ purpose: 'management review download', path: PACK_LINK_PATH, ttlMs: PACK_LINK_TTL_MS, publicUrl, secret });
  return {
    link: (workspaceId, reviewId, file, now) => links.link([workspaceId, reviewId, file], now),
    async handler(req, res) {
      const v = links.verify(String(req.params.token ?? ''), deps.clock.now());
      if ('status' in v) return refuseLink(res, v.status, v.status === 410 ? 'This link has expired: export the review again with aimsbot export management-review.' : 'No such file.');
      const [ws = '', id = '', file = ''] = v.parts;
      if (v.parts.length !== 3 || !/^\d{1,10}$/.test(ws) || !/^\d{1,10}$/.test(id) || !/^[a-z-]{2,40}$/.test(file)) return refuseLink(res, 404, 'No such file.');
      const review = await flows.managementReviewById(deps.db, Number(ws), Number(id));
      if (!review) return refuseLink(res, 404, 'No such file.');
      const send = (type: string, name: string, body: Buffer | string, inline: boolean) =>
        void res.status(200).type(type).set('cache-control', 'private, max-age=300').set('content-disposition', `${inline ? 'inline' : 'attachment'}; filename="${name}"`).send(body);
      if (file === 'pdf' || file === 'md') {
        const files = await flows.managementReviewFiles(deps.db, review);
        return file === 'pdf' ? send('application/pdf', files.pdfName, files.pdf, false) : send('text/markdown; charset=utf-8', files.markdownName, files.markdown, false);
      }
      // An image link renders its one chart only.
      const chart = await flows.managementReviewChart(review, file);
      if (!chart) return refuseLink(res, 404, 'No such file.');
      return send('image/png', chart.fileName, chart.png, true);
    },
  };
}
