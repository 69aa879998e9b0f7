/**
 * How Teams gets the management review's files. A bot cannot post a file in a Teams channel
 * without the file-consent flow and OneDrive, and a message over about 28 KB is refused, so the
 * pack card shows the charts from, and links the PDF and Markdown to, `GET
 * /api/management-review/<token>` on our own HTTP server. The token names the workspace, the
 * review and the file, expires after {@link PACK_LINK_TTL_MS}, and is signed (HMAC-SHA-256) with
 * a key derived from the bot's app password (shared by replicas), or a random per-process key.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import type { FlowDeps } from '../../../flows';
import * as flows from '../../../flows';

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

const b64 = (buf: Buffer) => buf.toString('base64url');

/** Links under `publicUrl()`; the key comes from `secret` when given. */
export function createPackLinks(deps: FlowDeps, publicUrl: () => string | undefined, secret: string | undefined): PackLinks {
  const key = secret ? createHash('sha256').update(`aimsbot management review download\n${secret}`).digest() : randomBytes(32);
  const sign = (payload: string) => b64(createHmac('sha256', key).update(payload).digest());
  return {
    link(workspaceId, reviewId, file, now) {
      const base = publicUrl()?.replace(/\/+$/, '');
      if (!base) return null;
      const payload = `${workspaceId}.${reviewId}.${file}.${Math.floor((now.getTime() + PACK_LINK_TTL_MS) / 1000)}`;
      return `${base}${PACK_LINK_PATH}/${payload}.${sign(payload)}`;
    },
    async handler(req, res) {
      const m = /^(\d{1,10})\.(\d{1,10})\.([a-z-]{2,40})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(String(req.params.token ?? ''));
      const fail = (status: number, text: string) => void res.status(status).type('text/plain').set('cache-control', 'no-store').send(text);
      if (!m) return fail(404, 'No such file.');
      const payload = `${m[1]}.${m[2]}.${m[3]}.${m[4]}`;
      const given = Buffer.from(m[5]!, 'base64url');
      const wanted = Buffer.from(sign(payload), 'base64url');
      if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) return fail(404, 'No such file.');
      if (Number(m[4]) * 1000 < deps.clock.now().getTime()) return fail(410, 'This link has expired: export the review again with aimsbot export management-review.');
      const review = await flows.managementReviewById(deps.db, Number(m[1]), Number(m[2]));
      if (!review) return fail(404, 'No such file.');
      const file = m[3]!;
      const send = (type: string, name: string, body: Buffer | string, inline: boolean) =>
        void res.status(200).type(type).set('cache-control', 'private, max-age=300').set('content-disposition', `${inline ? 'inline' : 'attachment'}; filename="${name}"`).send(body);
      if (file === 'pdf' || file === 'md') {
        const files = await flows.managementReviewFiles(deps.db, review);
        return file === 'pdf' ? send('application/pdf', files.pdfName, files.pdf, false) : send('text/markdown; charset=utf-8', files.markdownName, files.markdown, false);
      }
      // An image link renders its one chart only.
      const chart = await flows.managementReviewChart(review, file);
      if (!chart) return fail(404, 'No such file.');
      return send('image/png', chart.fileName, chart.png, true);
    },
  };
}
