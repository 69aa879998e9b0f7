/** The risk register in the terminal: the heat map as it is, then one line (or two) per risk. */
import type { RiskRegisterView, RiskView } from '../../../flows';
import { heatMapLines, RISK_CLASS_LABEL } from '../../../flows';

/** One risk as text lines. */
export function renderRiskLines(r: RiskView): string[] {
  const residual = r.residualScore !== null ? ` → residual ${r.residualLikelihood}×${r.residualImpact}=${r.residualScore}` : '';
  const accepted = r.status === 'accepted' && r.acceptedBy ? ` by ${r.acceptedBy}` : '';
  const flag = r.aboveThreshold && r.status !== 'accepted' && r.status !== 'treated' && r.status !== 'closed' ? ' ⚠ at or above the threshold' : '';
  const lines = [
    `${r.ref} [${r.status}${accepted}] ${r.sourceLabel}: ${r.description}`,
    `    score ${r.likelihood}×${r.impact}=${r.score}${residual}; ${r.treatment}` +
      (r.treatmentOwner ? ` by ${r.treatmentOwner}` : '') +
      (r.dueDate ? ` due ${r.dueDate}` : '') +
      (r.task ? ` (task ${r.task.ref}, ${r.task.status})` : '') +
      flag,
  ];
  if (r.controls.length || r.measures) lines.push(`    controls ${r.controls.join(', ') || '—'}; measures: ${r.measures || '—'}`);
  return lines;
}

/** `/aims risks <ref>`: the heat map, the list, and the commands the viewer may use. */
export function renderRegister(v: RiskRegisterView): string {
  const s = v.system;
  const lines = [`Risk register of ${s.ref} "${s.name}" (${s.riskClass ? RISK_CLASS_LABEL[s.riskClass] : 'not classified'}, owner ${s.owner})`];
  if (v.risks.length === 0) lines.push('No risks assessed yet.');
  else {
    lines.push(...heatMapLines(v.heat), '');
    for (const r of v.risks) lines.push(...renderRiskLines(r));
  }
  if (v.untreated > 0) lines.push(`⚠ ${v.untreated} untreated risk${v.untreated === 1 ? '' : 's'} at or above ${v.acceptBelow}`);
  const actions: string[] = [];
  if (v.canAssess) actions.push(`/aims assess ${s.ref}`, `/aims risk add ${s.ref}`);
  if (v.risks.some((r) => r.canEdit)) actions.push('/aims risk edit <risk ref>');
  const acceptable = v.risks.filter((r) => r.canAccept).map((r) => r.ref);
  if (acceptable.length) actions.push(`/aims risk accept <${acceptable.join(' | ')}>`);
  lines.push(`Residual scores below ${v.acceptBelow} may be accepted by the owner; at or above, only by ${v.acceptAboveBy}.`);
  if (actions.length) lines.push(`You can: ${actions.join(' · ')}`);
  return lines.join('\n');
}
