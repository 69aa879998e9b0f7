/**
 * How Teams gets the audit report file: the report card links to `GET /api/audit-report/<token>`
 * on our own HTTP server (see ../signed-links.ts); the token names the workspace and the audit and
 * expires after {@link AUDIT_REPORT_LINK_TTL_MS}. Only a reported audit is served; serving it
 * changes nothing.
 */
import type { Request, Response } from 'express';
import type { FlowDeps } from '../../../flows';
import * as flows from '../../../flows';
import { createSignedLinks, refuseLink } from '../signed-links';

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

/** Download links under the public URL `publicUrl()` gives; the key comes from `secret` when given. */
export function createAuditReportLinks(deps: FlowDeps, publicUrl: () => string | undefined, secret: string | undefined): AuditReportLinks {
  const links = createSignedLinks({ purpose: 'audit report download', path: AUDIT_REPORT_LINK_PATH, ttlMs: AUDIT_REPORT_LINK_TTL_MS, publicUrl, secret });
  return {
    link: (workspaceId, auditId, now) => links.link([workspaceId, auditId], now),
    async handler(req, res) {
      const v = links.verify(String(req.params.token ?? ''), deps.clock.now());
      if ('status' in v) return refuseLink(res, v.status, v.status === 410 ? 'This link has expired: ask the bot for export audit-report again.' : 'No such file.');
      const [ws = '', audit = ''] = v.parts;
      if (v.parts.length !== 2 || !/^\d{1,10}$/.test(ws) || !/^\d{1,10}$/.test(audit)) return refuseLink(res, 404, 'No such file.');
      const { timezone, name } = deps.policy.organization;
      const report = await flows.reportedAuditReport(deps.db, Number(ws), Number(audit), { now: deps.clock.now(), organisation: name, timezone });
      if (!report) return refuseLink(res, 404, 'No such file.');
      res
        .status(200)
        .type('text/markdown; charset=utf-8')
        .set('cache-control', 'no-store')
        .set('content-disposition', `attachment; filename="${report.filename}"`)
        .send(report.markdown);
    },
  };
}
