/** Finding the hidden AI: the AI tool catalog, surveys, channel discovery (spec/aims.md). */
export { catalog, catalogTool, foldWords, matchCatalog, searchCatalog } from './catalog';
export type { Catalog, CatalogEntry } from './catalog';
export { discoveryButtonValue, parseDiscoveryValue, prefillOfDiscovery, prefillOfEntry, prefillOutcome, registrationPrefill } from './prefill';
export type { DiscoveryValue, RegistrationPrefill } from './prefill';
export { markDiscoveredRegistered } from './registered';
