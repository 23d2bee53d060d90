import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { TgrError } from '../core/errors.js';
import { relayLines } from '../core/relay-lines.js';

/** bin/tgr.js, from src/faults or dist/faults alike: it runs the build when there is one, else the sources. */
const cliEntry = fileURLToPath(new URL('../../bin/tgr.js', import.meta.url));

/** Threads each of `jobs` shards gets: `threads` when given, else the machine's cores shared equally (at least 1). */
export function threadsPerJob(jobs: number, threads?: number): number {
  return threads ?? Math.max(1, Math.floor(availableParallelism() / jobs));
}

/**
 * A child's arguments: the parent's with its --jobs and --threads (both `--x v` and `--x=v` forms) replaced by
 * `--shard k/n` and the per-job thread count, so the child runs exactly the campaign the parent asked for.
 */
export function shardArgs(argv: readonly string[], index: number, count: number, threads: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--jobs' || a === '--threads') i++;
    else if (!a.startsWith('--jobs=') && !a.startsWith('--threads=')) out.push(a);
  }
  return [...out, '--shard', `${index}/${count}`, '--threads', String(threads), '--quiet'];
}

/**
 * Runs shards 0..count-1 of the campaign as `count` child tgr processes at once (`argv`: the parent's arguments); each
 * child's output lines are prefixed with its shard. Resolves when all finished; a failed child is named with the
 * command that reruns it (the others' results stay and resume).
 */
export async function runShardJobs(argv: readonly string[], count: number, threads: number): Promise<void> {
  const runs = Array.from({ length: count }, (_, k) => {
    const args = shardArgs(argv, k, count, threads);
    return new Promise<{ k: number; code: number | null; args: string[] }>((done) => {
      const child = spawn(process.execPath, [cliEntry, ...args], {
        stdio: ['ignore', 'pipe', 'pipe'],
        // A parent running from the sources has children run them too, not an older build in dist/.
        env: import.meta.url.endsWith('.ts') ? { ...process.env, TGR_FROM_SOURCE: '1' } : process.env,
      });
      const tag = `[${k}/${count}] `;
      const relay = (to: NodeJS.WriteStream) => (l: string) => to.write(tag + l + '\n');
      const relayed = Promise.all([
        relayLines(child.stdout, relay(process.stdout)),
        relayLines(child.stderr, relay(process.stderr)),
      ]);
      child.on('close', (code) => void relayed.then(() => done({ k, code, args })));
    });
  });
  const failed = (await Promise.all(runs)).filter((r) => r.code !== 0);
  if (failed.length > 0) {
    const f = failed[0]!;
    throw new TgrError(
      'engine',
      `--jobs ${count}: shard ${failed.map((r) => `${r.k}/${count}`).join(', ')} failed (see its lines above) — rerun it with 'tgr ${f.args.join(' ')}' or the same --jobs command (finished shards are kept), then 'tgr merge'`,
    );
  }
}
