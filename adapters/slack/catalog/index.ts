/** Slack: the AI tool catalog in registration and check, transferring and editing a registration. */
export { editCommand, openRegistration, registerCatalogActions, transferCommand, unwrapSlackLink } from './actions';
export { deliverOwnerTransferred } from './delivery';
export { DISCOVERY_REGISTER, SYSTEM_EDIT_CALLBACK, renderCatalogOffer } from './render';
