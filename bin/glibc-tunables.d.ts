/** The GLIBC_TUNABLES value tgr runs under. */
export declare const mallocTunables: string;
/** True when a process with this environment on this platform should be started again under the tunables. */
export declare function wantsTunables(env?: NodeJS.ProcessEnv, platform?: NodeJS.Platform): boolean;
/** The environment with the tunables added. */
export declare function tunedEnv(env?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
/** Runs this same command again under the tunables and ends as it ends; resolves only when it could not start one. */
export declare function relaunchTuned(spawnChild?: typeof import('node:child_process').spawn): Promise<void>;
/** In a relaunched command: ends it once the process that relaunched it is gone. */
export declare function watchParent(env?: NodeJS.ProcessEnv): void;
/** Runs this process again under the tunables when it wants them; in the relaunched process, watches its parent. */
export declare function runTuned(): Promise<void>;
