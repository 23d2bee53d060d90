import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeJsonAtomic } from '../core/atomic-write.js';

/** One step of a pipeline: what it is called, what decides whether its result is current, and what it leaves. */
export interface Stage<T> {
  name: string;
  /** Everything the result depends on (options, upstream hashes); a change reruns the stage. */
  inputs: unknown;
  /** Files the stage leaves; all must exist for it to count as done. */
  outputs: string[];
  run(attempt: StageAttempt): Promise<T>;
}

/** What a stage's run is told about the files an earlier run may have left. */
export interface StageAttempt {
  /**
   * The stage's last attempt, finished or not, had these same inputs: what it left may be continued. When false, any
   * file it left belongs to other inputs (or to no recorded attempt) and is stale.
   */
  resumable: boolean;
}

export interface StageOutcome<T> {
  skipped: boolean;
  /** Hash of the stage's inputs: downstream stages include it in theirs, so a rerun upstream reruns them. */
  hash: string;
  result?: T;
}

/** Hash of any JSON-serialisable value (key order normalised). */
export function hashOf(value: unknown): string {
  return createHash('sha256').update(stableJson(value)).digest('hex').slice(0, 16);
}

/** sha256 (16 hex digits) of a file's contents: stage inputs name input files by what they hold, not by path. */
export function fileDigest(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex').slice(0, 16);
}

function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v && typeof v === 'object' && !ArrayBuffer.isView(v)) {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/**
 * Runs a stage unless a stamp in `stampDir` says it already finished with the same inputs and its outputs are all
 * there. The stamp is written only after `run` returns, so an interrupted stage reruns. Before it runs, an attempt
 * record names the inputs it runs with, so the next run knows whether what this one leaves is its own to continue
 * (an interrupted attempt, or outputs deleted since) or stale (the inputs changed since).
 */
export async function runStage<T>(
  stampDir: string,
  stage: Stage<T>,
  log: (line: string) => void = () => {},
): Promise<StageOutcome<T>> {
  const hash = hashOf(stage.inputs);
  const stampPath = join(stampDir, `${stage.name}.json`);
  const attemptPath = join(stampDir, `${stage.name}.attempt.json`);
  const finished = readHash(stampPath);
  if (finished === hash && stage.outputs.every((o) => existsSync(o))) {
    log(`${stage.name}: up to date, skipped`);
    return { skipped: true, hash };
  }
  // Folders from before attempts were recorded have only the stamp of their last finished run.
  const resumable = (readHash(attemptPath) ?? finished) === hash;
  writeJsonAtomic(attemptPath, { hash, started: new Date().toISOString() });
  log(`${stage.name}: running`);
  const t0 = Date.now();
  const result = await stage.run({ resumable });
  writeJsonAtomic(stampPath, { hash, finished: new Date().toISOString(), seconds: (Date.now() - t0) / 1000 });
  return { skipped: false, hash, result };
}

/** The inputs hash a stamp or attempt record holds, or undefined when there is none. */
function readHash(path: string): string | undefined {
  if (!existsSync(path)) return undefined;
  return (JSON.parse(readFileSync(path, 'utf8')) as { hash?: string }).hash;
}
