/**
 * The `controls [filter] [page]` reply as a neutral view: the register filtered by status,
 * `applicable`, `excluded` or `justification-needed`, one page at a time (chat messages are
 * small: Slack allows 50 blocks).
 */
import type { FlowContext } from '../ports';
import type { Refusal } from '../results';
import { refuse } from '../results';
import { controlsRefusal, mayManageControls } from './edit';
import type { ControlEntry } from './register';
import { CONTROL_STATUSES, controlRegister } from './register';

/** Controls per page in chat. */
export const CONTROLS_PAGE_SIZE = 10;

/** The filters `controls` understands, besides the implementation states. */
export const CONTROL_FILTERS = ['all', 'applicable', 'excluded', 'justification-needed', ...CONTROL_STATUSES] as const;
export type ControlFilter = (typeof CONTROL_FILTERS)[number];

/** One page of the register. */
export interface ControlsPage {
  kind: 'controls';
  filter: ControlFilter;
  page: number;
  pages: number;
  total: number;
  entries: ControlEntry[];
  /** Counts over the whole register, whatever the filter. */
  counts: { controls: number; applicable: number; implemented: number; justificationNeeded: number };
}

const matches = (f: ControlFilter, e: ControlEntry): boolean =>
  f === 'all' ||
  (f === 'applicable' && e.applicable) ||
  (f === 'excluded' && !e.applicable) ||
  (f === 'justification-needed' && e.justification_needed) ||
  e.status === f;

/** Parses `controls` arguments: an optional filter word and an optional page number, in any order. */
export function parseControlsArgs(text: string): { filter: ControlFilter; page: number } | { error: string } {
  let filter: ControlFilter = 'all';
  let page = 1;
  for (const word of text.trim().split(/\s+/).filter(Boolean)) {
    const w = word.toLowerCase().replace(/_/g, '-');
    if (/^\d{1,4}$/.test(w)) page = Math.max(1, Number(w));
    else if (w === 'page') continue;
    else {
      const f = CONTROL_FILTERS.find((x) => x.replace(/_/g, '-') === w);
      if (!f) return { error: `"${word.slice(0, 40)}" is not a filter of controls: use one of ${CONTROL_FILTERS.join(', ')}, and a page number.` };
      filter = f;
    }
  }
  return { filter, page };
}

/** A page of the register for compliance. */
export async function controlsPage(ctx: FlowContext, args: string): Promise<ControlsPage | Refusal> {
  if (!mayManageControls(ctx)) return controlsRefusal('see the control register');
  const parsed = parseControlsArgs(args);
  if ('error' in parsed) return refuse('invalid', parsed.error);
  const all = await controlRegister(ctx.deps.db, ctx.workspace.id);
  const selected = all.filter((e) => matches(parsed.filter, e));
  const pages = Math.max(1, Math.ceil(selected.length / CONTROLS_PAGE_SIZE));
  const page = Math.min(parsed.page, pages);
  return {
    kind: 'controls',
    filter: parsed.filter,
    page,
    pages,
    total: selected.length,
    entries: selected.slice((page - 1) * CONTROLS_PAGE_SIZE, page * CONTROLS_PAGE_SIZE),
    counts: {
      controls: all.length,
      applicable: all.filter((e) => e.applicable).length,
      implemented: all.filter((e) => e.status === 'implemented').length,
      justificationNeeded: all.filter((e) => e.justification_needed).length,
    },
  };
}
