// Types of bin/build.js, for the tests and the benchmark that import it.
export declare function build(root?: string): Promise<{ outdir: string; sources: number; ms: number }>;
export declare function main(argv?: string[]): Promise<void>;
