/** The improvement loop: nonconformities and corrective actions (spec/aims.md). */
export { openNonconformity } from './open-nc';
export type { NcRow, NcSeverity, NcSource, NewNonconformity } from './open-nc';
