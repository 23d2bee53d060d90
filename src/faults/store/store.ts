import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import { TgrError } from '../../core/errors.js';
import { bitsToF32, f32ToBits } from '../formats/fp32.js';
import type { InjectionRecord } from './records.js';

/**
 * faults.jsonl: one InjectionRecord per line, keys in a fixed order, so the same results are the same bytes. JSON has
 * no NaN or ±Infinity: a non-finite faulty value is written as `null` with its fp32 pattern in `faultyBits` (the
 * injected pattern, computed on integers, when the record carries it), and `readRecords` restores both. (Losses are
 * null when the output is non-finite, as the record type says.)
 */
export function recordLine(r: InjectionRecord): string {
  const o: Record<string, unknown> = { id: r.id, layer: r.layer, image: r.image, index: r.index, bit: r.bit };
  if (r.bits) o.bits = r.bits;
  o.original = r.original;
  o.faulty = Number.isFinite(r.faulty) ? r.faulty : null;
  if (!Number.isFinite(r.faulty)) o.faultyBits = r.faultyBits ?? f32ToBits(r.faulty);
  Object.assign(o, {
    goldenTop1: r.goldenTop1,
    faultyTop1: r.faultyTop1,
    goldenLoss: r.goldenLoss,
    faultyLoss: r.faultyLoss,
    nonFinite: r.nonFinite,
  });
  if (r.detected) o.detected = true;
  if (r.masked) o.masked = true;
  return JSON.stringify(o) + '\n';
}

/** Parses one line of faults.jsonl (restoring non-finite faulty values). */
export function parseRecord(line: string, where: string): InjectionRecord {
  let r: InjectionRecord;
  try {
    r = JSON.parse(line);
  } catch (e) {
    throw new TgrError(
      'bad_file',
      `${where}: not a JSON record (${(e as Error).message}) — delete the file and re-run the campaign`,
    );
  }
  if (!Number.isInteger(r?.id) || typeof r.layer !== 'string') {
    throw new TgrError(
      'bad_file',
      `${where}: not an injection record (no id/layer) — delete the file and re-run the campaign`,
    );
  }
  if (r.faulty === null) r.faulty = typeof r.faultyBits === 'number' ? bitsToF32(r.faultyBits) : NaN;
  else delete r.faultyBits; // kept for a non-finite value: its exact pattern, which the number cannot hold
  return r;
}

/**
 * Calls `fn` with each newline-terminated line of a file and the byte offset just past it, reading 1 MiB at a time
 * (a campaign of millions of injections does not fit in one string). Text after the last newline is not a line.
 */
export function forEachLine(path: string, fn: (line: string, end: number) => boolean | void): void {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(1 << 20);
    let carry = Buffer.alloc(0);
    let offset = 0;
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) return;
      const chunk = Buffer.concat([carry, buf.subarray(0, n)]);
      let start = 0;
      for (let nl = chunk.indexOf(10); nl >= 0; nl = chunk.indexOf(10, start)) {
        offset += nl + 1 - start;
        if (fn(chunk.toString('utf8', start, nl), offset) === false) return;
        start = nl + 1;
      }
      carry = Buffer.from(chunk.subarray(start));
    }
  } finally {
    closeSync(fd);
  }
}

/** Calls `fn` with every record of a faults.jsonl file, in file order. */
export function forEachRecord(path: string, fn: (r: InjectionRecord) => void): void {
  if (!existsSync(path))
    throw new TgrError('bad_file', `${path}: no such file — run 'tgr inject' (or 'tgr merge' for shards) first`);
  let i = 0;
  forEachLine(path, (line) => fn(parseRecord(line, `${path}:${++i}`)));
}

/** Every record of a faults.jsonl file, in file order. */
export function readRecords(path: string): InjectionRecord[] {
  const out: InjectionRecord[] = [];
  forEachRecord(path, (r) => void out.push(r));
  return out;
}
