/** Result shapes shared by the flows: success values, or a refusal an adapter shows privately. */
import type { RequestView } from './views';
import type { FieldError } from './triage/types';

/** Why a flow did nothing. `message` is a sentence for the person who asked. */
export interface Refusal {
  kind: 'refused';
  code: 'not_found' | 'not_authorised' | 'not_allowed' | 'already_decided' | 'closed' | 'blocked' | 'invalid';
  message: string;
  /** Field-level problems, for forms (code `invalid`). */
  errors?: FieldError[];
  /** The request as it stands, when the refusal concerns one (e.g. already decided). */
  request?: RequestView;
}

/** Builds a refusal. */
export function refuse(code: Refusal['code'], message: string, extra: Partial<Refusal> = {}): Refusal {
  return { kind: 'refused', code, message, ...extra };
}

/** A refusal for invalid form input. */
export function invalid(errors: FieldError[]): Refusal {
  return refuse('invalid', errors.map((e) => `${e.field}: ${e.message}`).join('; '), { errors });
}
