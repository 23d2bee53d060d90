/**
 * Runs a planned campaign's shards at once as child processes (bench/shard-child.ts), as `tgr inject --jobs N` does:
 * onnxruntime-node runs a session synchronously on the JS thread, so shards awaited together in one process take
 * turns on one core instead of using one each.
 */
import { spawn } from 'node:child_process';

/** Settings the children pass to injectCampaign; `name` is the campaign folder, whose plan.json must exist. */
export type ShardSettings = Record<string, unknown> & { name: string };

/**
 * Runs shards 0..jobs−1 of campaign `settings.name` in `dir` on images of `shape` at `threads` each; resolves to each
 * child's start-up (s).
 */
export async function runShards(
  dir: string,
  shape: readonly [number, number, number],
  jobs: number,
  threads: number,
  settings: ShardSettings,
): Promise<number[]> {
  const child = new URL('./shard-child.ts', import.meta.url).pathname;
  return Promise.all(
    Array.from({ length: jobs }, (_, k) => {
      const args = ['--import', 'tsx', child, dir, shape.join(','), `${k}/${jobs}`, String(threads)];
      const p = spawn(process.execPath, [...args, JSON.stringify(settings)], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      p.stdout.on('data', (d: Buffer) => (out += d.toString()));
      return new Promise<number>((ok, fail) =>
        p.on('exit', (code) =>
          code === 0
            ? ok((JSON.parse(out.trim().split('\n').at(-1)!) as { startup: number }).startup)
            : fail(new Error(`shard ${k}/${jobs} exited with ${code}`)),
        ),
      );
    }),
  );
}
