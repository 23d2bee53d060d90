// glibc's malloc settings tgr runs under, and the relaunch that applies them (glibc reads GLIBC_TUNABLES only when a
// process starts). With its defaults, malloc gives a freed block of more than a few MB back to the kernel and maps a
// fresh one for the next request, so every unit forward, suffix batch and training step of the same size touches
// new pages; on a machine where a page fault is dear (virtual machines) those first touches cost more than the
// arithmetic. Keeping freed memory (trim threshold 4 GiB, blocks up to 32 MiB from the heap) and asking for
// transparent huge pages (hugetlb=1, growth in steps of 256 MiB) removes most of them. Measurements: bench/RESULTS.md,
// "Memory settings". Linux with glibc only; any GLIBC_TUNABLES the user set (even empty) is left as it is.
import { spawn } from 'node:child_process';

/** The GLIBC_TUNABLES value tgr runs under. */
export const mallocTunables = [
  'glibc.malloc.hugetlb=1',
  'glibc.malloc.mmap_threshold=33554432',
  'glibc.malloc.trim_threshold=4294967296',
  'glibc.malloc.top_pad=268435456',
].join(':');

/** True when a process with this environment on this platform should be started again under the tunables. */
export function wantsTunables(env = process.env, platform = process.platform) {
  return platform === 'linux' && env.GLIBC_TUNABLES === undefined;
}

/** The environment with the tunables added. */
export function tunedEnv(env = process.env) {
  return { ...env, GLIBC_TUNABLES: mallocTunables };
}

/** Names, in the relaunched command's environment, the process that relaunched it (see watchParent). */
const parentVariable = 'TGR_RELAUNCHED_BY';

/**
 * In a relaunched command: ends it (SIGTERM, so its locks are released) once the process that relaunched it is gone
 * — killed with SIGKILL, which cannot be passed on — instead of leaving it running unseen. The variable is removed
 * so the command's own children do not watch the wrong parent.
 */
export function watchParent(env = process.env) {
  const parent = Number(env[parentVariable]);
  delete env[parentVariable];
  if (!parent) return;
  setInterval(() => {
    if (process.ppid !== parent) process.kill(process.pid, 'SIGTERM');
  }, 500).unref();
}

/**
 * Runs this same command (node, its flags, the script and its arguments) again under the tunables with the same
 * stdio, and ends as it ends: its exit code, or its signal. SIGTERM and SIGHUP sent to this process are passed on;
 * SIGINT is not, since a terminal's Ctrl-C already reaches the whole process group. Resolves only when the child
 * could not be started (the caller then runs the command itself, under glibc's defaults).
 */
export function relaunchTuned(spawnChild = spawn) {
  const child = spawnChild(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...tunedEnv(), [parentVariable]: String(process.pid) },
  });
  const pass = (sig) => () => child.kill(sig);
  const handlers = { SIGINT: () => {}, SIGTERM: pass('SIGTERM'), SIGHUP: pass('SIGHUP') };
  for (const [sig, h] of Object.entries(handlers)) process.on(sig, h);
  const unhook = () => {
    for (const [sig, h] of Object.entries(handlers)) process.off(sig, h);
  };
  return new Promise((startFailed) => {
    child.on('error', () => (unhook(), startFailed()));
    child.on('exit', (code, signal) => {
      unhook();
      if (signal) process.kill(process.pid, signal);
      else process.exit(code ?? 1);
    });
  });
}

/**
 * What a tgr process does first: on Linux without GLIBC_TUNABLES, runs itself again under the tunables (and never
 * returns unless that child could not start); in the relaunched process, watches its parent.
 */
export async function runTuned() {
  if (wantsTunables()) await relaunchTuned();
  watchParent();
}
