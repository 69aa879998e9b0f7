/** Finding the hidden AI: the AI tool catalog, surveys, channel discovery (spec/aims.md). */
export { catalog, catalogTool, matchCatalog } from './catalog';
export type { Catalog, CatalogEntry } from './catalog';
export * from './surveys';
