/**
 * The filter of `inventory [filter]`: words such as `high approved overdue`, or keys such as
 * `class=high status=approved owner=@alice department="Human Resources" page=2`. Values of one
 * key may be a comma list (`class=high,limited`). Anything else is refused with the words that
 * work, so a typo never silently shows the whole inventory.
 */
import type { SystemView } from '../views';
import { RISK_CLASS_LABEL } from '../views';

/** A parsed inventory filter. */
export interface InventoryFilter {
  classes: string[];
  statuses: SystemView['status'][];
  /** As typed (a name, an email, a platform id, or a Slack `<@U…>` mention). */
  owner: string | null;
  department: string | null;
  /** Review overdue, or an open task past its due date. */
  overdue: boolean;
  /** Tools found by discovery that nobody registered. */
  unregistered: boolean;
  /** 1-based. */
  page: number;
}

const CLASSES = Object.keys(RISK_CLASS_LABEL);
const STATUSES: readonly SystemView['status'][] = ['draft', 'pending_approval', 'approved', 'rejected', 'changes_requested', 'blocked', 'retired'];
/** Shorter words people type for a status or a class. */
const ALIASES: Record<string, string> = { pending: 'pending_approval', changes: 'changes_requested', prohibited: 'prohibited', 'high-risk': 'high', limited: 'limited' };

/** How the filter is written, for help texts and refusals. */
export const INVENTORY_FILTER_HELP =
  'filters: a class (high, limited, minimal, prohibited, out_of_scope, excluded), a status (approved, pending, rejected, changes_requested, blocked, retired, draft), ' +
  'overdue, unregistered, owner=<person>, department=<name>, page=<n>; or class=…, status=… with comma lists';

/** Splits `a=b c="d e" f` into tokens, keeping quoted values whole. */
function tokens(text: string): string[] {
  return [...text.matchAll(/[^\s=:]+[=:]"[^"]*"|[^\s=:]+[=:]'[^']*'|\S+/g)].map((m) => m[0]);
}

const unquote = (v: string) => v.replace(/^(["'])(.*)\1$/, '$2').trim();

/** Parses the filter text; a refusal sentence names the first word not understood. */
export function parseInventoryFilter(text: string): { ok: true; filter: InventoryFilter } | { ok: false; message: string } {
  const f: InventoryFilter = { classes: [], statuses: [], owner: null, department: null, overdue: false, unregistered: false, page: 1 };
  const words = tokens(text.trim());
  const bad = (w: string, why?: string) => ({ ok: false as const, message: `${why ?? `"${w}" is not an inventory filter`}. Use ${INVENTORY_FILTER_HELP}.` });
  const addValue = (word: string): boolean => {
    const v = ALIASES[word] ?? word;
    if (CLASSES.includes(v)) f.classes.push(v);
    else if ((STATUSES as readonly string[]).includes(v)) f.statuses.push(v as SystemView['status']);
    else return false;
    return true;
  };
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const m = /^([^=:]+)[=:](.*)$/.exec(w);
    if (!m) {
      const lower = w.toLowerCase();
      if (lower === 'overdue') f.overdue = true;
      else if (lower === 'unregistered') f.unregistered = true;
      else if (lower === 'page' && /^\d+$/.test(words[i + 1] ?? '')) f.page = Number(words[++i]);
      else if (!addValue(lower)) return bad(w);
      continue;
    }
    const key = m[1]!.toLowerCase();
    const value = unquote(m[2]!);
    if (!value) return bad(w, `"${key}" needs a value`);
    switch (key) {
      case 'class':
      case 'status':
        for (const part of value.toLowerCase().split(',').filter(Boolean)) {
          const v = ALIASES[part] ?? part;
          const list: readonly string[] = key === 'class' ? CLASSES : STATUSES;
          if (!list.includes(v)) return bad(w, `"${part}" is not a ${key}`);
          if (key === 'class') f.classes.push(v);
          else f.statuses.push(v as SystemView['status']);
        }
        break;
      case 'owner':
        f.owner = value;
        break;
      case 'department':
      case 'dept':
        f.department = value;
        break;
      case 'page':
        if (!/^\d{1,6}$/.test(value) || Number(value) < 1) return bad(w, `page must be a whole number from 1`);
        f.page = Number(value);
        break;
      default:
        return bad(w);
    }
  }
  return { ok: true, filter: f };
}

/** The filter written back (without the page), for "next page" commands and headings. */
export function filterText(f: InventoryFilter): string {
  const q = (v: string) => (/\s/.test(v) ? `"${v.replace(/"/g, '')}"` : v);
  return [
    f.classes.length ? `class=${[...new Set(f.classes)].join(',')}` : '',
    f.statuses.length ? `status=${[...new Set(f.statuses)].join(',')}` : '',
    f.owner ? `owner=${q(f.owner)}` : '',
    f.department ? `department=${q(f.department)}` : '',
    f.overdue ? 'overdue' : '',
    f.unregistered ? 'unregistered' : '',
  ]
    .filter(Boolean)
    .join(' ');
}
