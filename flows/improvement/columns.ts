/** The columns of `export nonconformities`, in order; a module of its own so flows/exports.ts can name them without an import cycle. */
export const NC_COLUMNS = [
  'workspace', 'ref', 'source', 'severity', 'system_ref', 'description', 'owner', 'containment', 'root_cause', 'actions',
  'effectiveness_due', 'effective', 'verified_by', 'verified_at', 'status', 'closed_by', 'closed_at', 'created_at', 'updated_at',
] as const;
