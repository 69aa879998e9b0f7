/** The columns of `export risks`, in order; a module of its own so flows/exports.ts can name them without an import cycle. */
export const RISK_COLUMNS = [
  'workspace', 'system_ref', 'system_name', 'ref', 'source', 'source_label', 'description', 'likelihood', 'impact', 'score',
  'treatment', 'controls', 'measures', 'treatment_owner', 'due_date', 'residual_likelihood', 'residual_impact', 'residual_score',
  'status', 'accepted_by', 'accepted_at', 'accepted_at_local', 'treatment_task', 'treatment_task_status', 'created_at', 'updated_at',
] as const;
