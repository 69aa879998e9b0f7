/** Finding the hidden AI: the AI tool catalog, surveys, channel discovery (spec/aims.md). */
export { catalog, catalogTool, foldWords, matchCatalog, searchCatalog } from './catalog';
export type { Catalog, CatalogEntry } from './catalog';
export { findToolMentions } from './mentions';
export { listening, noticeChannelMessage, nudgeDue, nudgeText, NUDGE_WINDOW_DAYS } from './listen';
export type { DiscoveryNudgePayload, NoticeResult } from './listen';
export { unregisteredOf, unregisteredToolLine, unregisteredTools } from './unregistered';
export type { UnregisteredToolView } from './unregistered';
export { discoveryDigest, discoveryDigestLines, DISCOVERY_DIGEST_LIMIT } from './digest';
export type { DiscoveryDigest, DiscoveryDigestItem } from './digest';
export { discoveryButtonValue, parseDiscoveryValue, prefillOfDiscovery, prefillOfEntry, prefillOutcome, registrationPrefill } from './prefill';
export type { DiscoveryValue, RegistrationPrefill } from './prefill';
export { markDiscoveredRegistered } from './registered';
export * from './surveys';
