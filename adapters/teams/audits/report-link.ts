/**
 * How Teams gets the audit report file. As for the SoA (controls/soa-link.ts), a bot cannot post
 * a text file in a Teams chat without the file-consent flow and OneDrive, so the report card
 * links to `GET /api/audit-report/<token>` on our own HTTP server: the token names the workspace
 * and the audit, expires after {@link AUDIT_REPORT_LINK_TTL_MS}, and is signed (HMAC-SHA-256)
 * with a key derived from the bot's app password (shared by replicas), or a random per-process
 * key without one. Only a reported audit is served; serving it changes nothing.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import type { FlowDeps } from '../../../flows';
import * as flows from '../../../flows';

/** How long a download link works (15 minutes). */
export const AUDIT_REPORT_LINK_TTL_MS = 15 * 60 * 1000;
/** The route the links point to. */
export const AUDIT_REPORT_LINK_PATH = '/api/audit-report';

/** Signs and checks download tokens. */
export interface AuditReportLinks {
  /** The link of audit `auditId` of `workspaceId`, or null without a public URL. */
  link(workspaceId: number, auditId: number, now: Date): string | null;
  /** The express handler of `GET /api/audit-report/:token`. */
  handler(req: Request, res: Response): Promise<void>;
}

const b64 = (buf: Buffer) => buf.toString('base64url');

/** Download links under the public URL `publicUrl()` gives; the key comes from `secret` when given. */
export function createAuditReportLinks(deps: FlowDeps, publicUrl: () => string | undefined, secret: string | undefined): AuditReportLinks {
  const key = secret ? createHash('sha256').update(`aimsbot audit report download\n${secret}`).digest() : randomBytes(32);
  const sign = (payload: string) => b64(createHmac('sha256', key).update(payload).digest());
  return {
    link(workspaceId, auditId, now) {
      const base = publicUrl()?.replace(/\/+$/, '');
      if (!base) return null;
      const payload = `${workspaceId}.${auditId}.${Math.floor((now.getTime() + AUDIT_REPORT_LINK_TTL_MS) / 1000)}`;
      return `${base}${AUDIT_REPORT_LINK_PATH}/${payload}.${sign(payload)}`;
    },
    async handler(req, res) {
      const m = /^(\d{1,10})\.(\d{1,10})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(String(req.params.token ?? ''));
      const fail = (status: number, text: string) => void res.status(status).type('text/plain').set('cache-control', 'no-store').send(text);
      if (!m) return fail(404, 'No such file.');
      const payload = `${m[1]}.${m[2]}.${m[3]}`;
      const given = Buffer.from(m[4]!, 'base64url');
      const wanted = Buffer.from(sign(payload), 'base64url');
      if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) return fail(404, 'No such file.');
      if (Number(m[3]) * 1000 < deps.clock.now().getTime()) return fail(410, 'This link has expired: ask the bot for export audit-report again.');
      const { timezone, name } = deps.policy.organization;
      const report = await flows.reportedAuditReport(deps.db, Number(m[1]), Number(m[2]), { now: deps.clock.now(), organisation: name, timezone });
      if (!report) return fail(404, 'No such file.');
      res
        .status(200)
        .type('text/markdown; charset=utf-8')
        .set('cache-control', 'no-store')
        .set('content-disposition', `attachment; filename="${report.filename}"`)
        .send(report.markdown);
    },
  };
}
