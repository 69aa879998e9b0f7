/** A registration after it was made: editing its details, transferring its ownership. */
export { editable, editRegistration, editValues, EDIT_FIELDS, EDIT_FIELD_IDS } from './edit';
export type { EditField, EditResult } from './edit';
export { transferOwner } from './transfer';
export type { OwnerTransferredPayload, TransferResult } from './transfer';
export { ownedSystem } from './access';
