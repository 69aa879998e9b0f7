// Types of bin/dist.js, for the tests and the benchmark that import it.
export declare const ROOT: string;
export declare const MANIFEST: string;
export declare const ENTRY: string;
export declare const MANIFEST_VERSION: number;
export declare function sha256(path: string): string;
export declare function whyStale(root?: string, outdir?: string): string | null;
export declare function cliEntry(root?: string): { compiled: boolean; url: string; reason: string | null };
