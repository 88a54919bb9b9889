// Types for node-flags.js (plain JavaScript, read by bin/otelhub.js before anything is compiled or loaded).
export declare const HUB_NODE_FLAGS: readonly string[];
export declare function missingNodeFlags(execArgv?: readonly string[], env?: NodeJS.ProcessEnv): string[];
export declare function runsTheHub(argv: readonly string[]): boolean;
export declare const HUB_ENV: Readonly<Record<string, string>>;
export declare function missingHubEnv(env?: NodeJS.ProcessEnv): Record<string, string>;
