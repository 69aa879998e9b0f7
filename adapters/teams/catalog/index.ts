/** Teams: the AI tool catalog in registration and check, transferring and editing a registration. */
export { discoveryRegister, editCommand, saveEdit, startRegistration, transferCommand, unwrapTeamsLink } from './actions';
export { catalogOfferCard, DISCOVERY_REGISTER, editCard, SYSTEM_EDIT } from './cards';
