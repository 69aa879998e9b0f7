/**
 * The risk register in Block Kit: the heat map in a code block (digits and fixed labels only),
 * then one section per risk with its Edit / Accept buttons where the viewer may use them, and
 * Assess / Add at the end. User text goes through `esc`; at most 50 blocks.
 */
import type { RiskRegisterView, RiskView } from '../../../flows';
import { heatMapLines, RISK_CLASS_LABEL } from '../../../flows';
import type { Block } from '../blocks';
import { button, context, header, limitBlocks, section } from '../blocks';
import { esc } from '../mrkdwn';
import type { SlackMessage } from '../render-request';

/** The button and form ids of aims.md. */
export const RISK_ACTIONS = { assess: 'risk.assess', add: 'risk.add', edit: 'risk.edit', accept: 'risk.accept_residual' } as const;

/** One risk in mrkdwn. */
export function riskText(r: RiskView): string {
  const residual = r.residualScore !== null ? ` → residual ${r.residualLikelihood}×${r.residualImpact} = *${r.residualScore}*` : '';
  const accepted = r.status === 'accepted' && r.acceptedBy ? ` by ${esc(r.acceptedBy)}` : '';
  const flag = r.aboveThreshold && !['accepted', 'treated', 'closed'].includes(r.status) ? ' :warning:' : '';
  return [
    `*${esc(r.ref)}* ${esc(r.sourceLabel)} · _${r.status}${accepted}_${flag}`,
    esc(r.description),
    `Score ${r.likelihood}×${r.impact} = *${r.score}*${residual} · ${r.treatment}` +
      (r.treatmentOwner ? ` by ${esc(r.treatmentOwner)}` : '') +
      (r.dueDate ? ` · due ${r.dueDate}` : '') +
      (r.task ? ` · task ${r.task.ref} (${r.task.status})` : ''),
    ...(r.controls.length || r.measures ? [`Controls ${esc(r.controls.join(', ') || '—')} · measures: ${esc(r.measures || '—')}`] : []),
  ].join('\n');
}

/** `/aims risks <ref>`. */
export function renderRegister(v: RiskRegisterView): SlackMessage {
  const s = v.system;
  const title = `Risk register of ${s.ref}`;
  const blocks: Block[] = [
    header(title),
    section(`*${esc(s.name)}* · ${s.riskClass ? RISK_CLASS_LABEL[s.riskClass] : 'not classified'} · owner ${esc(s.owner)}`),
  ];
  if (v.risks.length === 0) blocks.push(section('No risks assessed yet.'));
  else blocks.push(section(`\`\`\`\n${heatMapLines(v.heat).join('\n')}\n\`\`\``));
  if (v.untreated > 0) blocks.push(section(`:warning: ${v.untreated} untreated risk${v.untreated === 1 ? '' : 's'} at or above ${v.acceptBelow}`));
  const tail: Block[] = [context(`Residual scores below ${v.acceptBelow} may be accepted by the owner; at or above, only by ${esc(v.acceptAboveBy)}.`)];
  if (v.canAssess) {
    tail.push({ type: 'actions', block_id: 'risks', elements: [button('Assess the risks', RISK_ACTIONS.assess, s.ref, 'primary'), button('Add a risk', RISK_ACTIONS.add, s.ref)] });
  }
  const perRisk: Block[] = [];
  for (const r of v.risks) {
    perRisk.push(section(riskText(r)));
    const elements = [
      ...(r.canEdit ? [button('Edit', RISK_ACTIONS.edit, r.ref)] : []),
      ...(r.canAccept ? [button('Accept residual risk', RISK_ACTIONS.accept, r.ref, undefined, { title: `Accept ${r.ref}?`, text: `You accept the residual risk of ${esc(r.ref)} on behalf of the organisation.`, ok: 'Accept' })] : []),
    ];
    if (elements.length) perRisk.push({ type: 'actions', block_id: `risk:${r.number}`, elements });
  }
  // The assess/add buttons stay visible however long the list is.
  const all = [...blocks, ...limitBlocks(perRisk, 50 - blocks.length - tail.length), ...tail];
  return { text: `${title}: ${v.risks.length} risk${v.risks.length === 1 ? '' : 's'}`, blocks: all };
}
