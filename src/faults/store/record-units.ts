import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { TgrError } from '../../core/errors.js';
import type { CampaignPlan } from '../plan/plan.js';
import { shardUnits, type Shard } from '../plan/shard.js';
import { forEachLine } from './store.js';

/**
 * The integrity sidecar of a results file: `faults.jsonl.units` beside `faults.jsonl`. Its first line says what the
 * records were made from (the plan fingerprint); then one line per complete unit, appended after the unit's records
 * are fsynced, with the unit's byte length and sha256. faults.jsonl itself stays the bare records, so a resumed run and
 * merged shards are byte for byte what one uninterrupted process writes — and so is this sidecar.
 */

/** What a results file was made from: everything that decides its records' bytes. */
export interface RecordsFingerprint {
  version: 1;
  model: string;
  format: string;
  errorModel: string;
  target: string;
  seed: number;
  rangeDetector: boolean;
  stratify: string;
  guard: string;
  perLayer: number;
  batchSize: number;
  pool: number;
  layers: string[];
  /** sha256 of the site columns, the unit tiling, the layers' bounds and the guard's bounds. */
  sites: string;
  /** `k/n` for a shard's file, null for the whole campaign's. */
  shard: string | null;
}

/** One complete unit of records. */
export interface UnitEntry {
  unit: number;
  start: number;
  end: number;
  bytes: number;
  sha256: string;
}

/** The sidecar of a results file. */
export function unitsPathFor(file: string): string {
  return `${file}.units`;
}

/** The fingerprint records of `plan` (or of one shard of it) carry. */
export function planFingerprint(plan: CampaignPlan, shard?: Shard): RecordsFingerprint {
  const p = plan as CampaignPlan & { stratify?: string; guard?: string; guardBounds?: number[] };
  const s = plan.sites;
  // Everything else that decides a record's bytes: the sites, their units, the layers' bounds (range detector, int8
  // scale) and the guard's bounds.
  const decides = [
    [s.layer, s.image, s.index, s.bit, s.bits ?? null],
    plan.units.map((u) => [u.start, u.end]),
    plan.layers.map((l) => [l.name, l.tensor, l.elements, l.maxAbs, l.bound]),
    p.guardBounds ?? null,
  ];
  const h = createHash('sha256').update(JSON.stringify(decides));
  return {
    version: 1,
    model: plan.model.sha256,
    format: plan.format,
    errorModel: plan.errorModel,
    target: plan.target,
    seed: plan.seed,
    rangeDetector: plan.rangeDetector,
    stratify: p.stratify ?? 'none',
    guard: p.guard ?? 'none',
    perLayer: plan.perLayer,
    batchSize: plan.batchSize,
    pool: plan.pool,
    layers: plan.layers.map((l) => l.name),
    sites: h.digest('hex'),
    shard: shard && shard.count > 1 ? `${shard.index}/${shard.count}` : null,
  };
}

/** The sidecar's line for a unit whose records are `lines`. */
export function unitLine(unit: number, start: number, end: number, lines: string): string {
  return entryLine({
    unit,
    start,
    end,
    bytes: Buffer.byteLength(lines),
    sha256: createHash('sha256').update(lines).digest('hex'),
  });
}

function entryLine(e: UnitEntry): string {
  return JSON.stringify({ unit: e.unit, start: e.start, end: e.end, bytes: e.bytes, sha256: e.sha256 }) + '\n';
}

/** The sidecar's first line. */
export function fingerprintLine(fp: RecordsFingerprint): string {
  return JSON.stringify(fp) + '\n';
}

/** What a scan of a results file found. */
export interface RecordsScan {
  /** Units (of the run's range) whose records are present and match the sidecar, in order. */
  units: number;
  records: number;
  /** Bytes of faults file holding those units, and of the sidecar holding its header and their lines. */
  bytes: number;
  unitsBytes: number;
  /** Bytes after the verified units (a torn tail, or complete records the sidecar does not vouch for yet). */
  tail: number;
  /** Whether the sidecar exists (files of an older tgr have none and are checked by id only). */
  sidecar: boolean;
  /** A damaged sidecar line with more after it (1-based): the units from there on are not vouched for. */
  sidecarDamage?: number;
  /** Units the sidecar lists as complete (more than `units` when the records file was cut short). */
  listed: number;
  /** Verified records per plan layer. */
  perLayer: number[];
  /** The unit entries the sidecar holds for the verified units (a rebuilt list when there was no sidecar). */
  entries: string[];
}

/** A problem no resume can repair by itself: the message names it and the command that redoes the damaged part. */
function damaged(file: string, what: string, fromByte: number, fromUnit: number): never {
  throw new TgrError(
    'bad_file',
    `${file}: ${what} — redo it from unit ${fromUnit}: run 'truncate -s ${fromByte} ${file}', then the same 'tgr inject' again`,
    { file },
  );
}

/**
 * Reads a results file against the plan range it was written for and its sidecar. Refuses records of another plan or
 * settings; names a corrupted, edited, deleted or misplaced line by unit; returns how far the records are verified
 * (a torn tail is not an error here: the resume cuts it, readers call the campaign unfinished).
 */
export function scanRecords(file: string, plan: CampaignPlan, shard?: Shard): RecordsScan {
  const { first, units } = shardUnits(plan, shard);
  const fp = fingerprintLine(planFingerprint(plan, shard));
  const sidecarPath = unitsPathFor(file);
  const sidecar = existsSync(sidecarPath);
  const entries: { line: string; entry: UnitEntry; end: number }[] = [];
  let headerBytes = 0;
  let damagedLine: number | undefined;
  if (sidecar) {
    let n = 0;
    const sidecarSize = statSync(sidecarPath).size;
    forEachLine(sidecarPath, (line, endByte) => {
      if (n++ === 0) {
        if (line + '\n' !== fp) refuseForeign(file, line, fp);
        headerBytes = endByte;
        return true;
      }
      const u = entries.length;
      const want = units[u];
      let e: UnitEntry | undefined;
      try {
        e = JSON.parse(line) as UnitEntry;
      } catch {
        e = undefined;
      }
      if (!e || !want || e.unit !== first + u || e.start !== want.start || e.end !== want.end) {
        // A kill can tear the last line; a damaged line with more after it is damage. Either way nothing from here on
        // is vouched for: the resume redoes those units.
        if (endByte < sidecarSize) damagedLine = n;
        return false;
      }
      entries.push({ line: line + '\n', entry: e, end: endByte });
      return true;
    });
  }
  const perLayer = plan.layers.map(() => 0);
  const size = existsSync(file) ? statSync(file).size : 0;
  const out: RecordsScan = {
    units: 0,
    records: 0,
    bytes: 0,
    unitsBytes: headerBytes,
    tail: size,
    sidecar,
    ...(damagedLine !== undefined ? { sidecarDamage: damagedLine } : {}),
    listed: entries.length,
    perLayer,
    entries: [],
  };
  if (!existsSync(file) || units.length === 0) return out;
  let u = 0;
  let id = units[0]!.start;
  let lineNo = 0;
  let hash = createHash('sha256');
  let unitStart = 0;
  let counts = plan.layers.map(() => 0);
  forEachLine(file, (line, endByte) => {
    lineNo++;
    const unit = units[u];
    if (!unit)
      return damaged(
        file,
        `line ${lineNo} follows the last record this file should hold (id ${id - 1})`,
        out.bytes,
        first + u,
      );
    let rec: { id?: unknown; layer?: unknown };
    try {
      rec = JSON.parse(line);
    } catch {
      return damaged(
        file,
        `line ${lineNo} (in unit ${first + u}, ids ${unit.start}–${unit.end - 1}) is not a JSON record: corrupted`,
        unitStart,
        first + u,
      );
    }
    if (rec.id !== id) {
      const got = typeof rec.id === 'number' ? rec.id : NaN;
      const gap = got > id && got < units[units.length - 1]!.end;
      return damaged(
        file,
        gap
          ? `line ${lineNo} has id ${got} where id ${id} belongs: ${got === id + 1 ? `the line of id ${id} was` : `the lines of ids ${id}–${got - 1} were`} deleted (unit ${first + u})`
          : `line ${lineNo} has id ${String(rec.id)} where id ${id} belongs: a repeated, moved or edited line (unit ${first + u})`,
        unitStart,
        first + u,
      );
    }
    if (rec.layer !== plan.layers[plan.sites.layer[id]!]?.name) {
      return damaged(
        file,
        `line ${lineNo} (id ${id}) names layer ${JSON.stringify(rec.layer)}, but the plan puts it in ${plan.layers[plan.sites.layer[id]!]?.name}: edited (unit ${first + u})`,
        unitStart,
        first + u,
      );
    }
    hash.update(line + '\n');
    counts[plan.sites.layer[id]!]!++;
    id++;
    if (id < unit.end) return true;
    const bytes = endByte - unitStart;
    const sha = hash.digest('hex');
    if (sidecar) {
      const e = entries[u];
      if (!e) return false; // complete records the sidecar does not vouch for: a kill between the two fsyncs
      if (e.entry.bytes !== bytes || e.entry.sha256 !== sha)
        return damaged(
          file,
          `unit ${first + u} (ids ${unit.start}–${unit.end - 1}, lines ${lineNo - (unit.end - unit.start) + 1}–${lineNo}) does not match its sha256 in ${sidecarPath}: a line was edited or corrupted`,
          unitStart,
          first + u,
        );
      out.entries.push(e.line);
      out.unitsBytes = e.end;
    } else {
      out.entries.push(entryLine({ unit: first + u, start: unit.start, end: unit.end, bytes, sha256: sha }));
    }
    counts.forEach((c, li) => (perLayer[li]! += c));
    counts = plan.layers.map(() => 0);
    out.units = u + 1;
    out.records = id - units[0]!.start;
    out.bytes = endByte;
    unitStart = endByte;
    hash = createHash('sha256');
    u++;
    id = units[u]?.start ?? id;
    return true;
  });
  out.tail = size - out.bytes;
  return out;
}

/** Records of another plan or settings: names the fields that differ. */
function refuseForeign(file: string, line: string, fp: string): never {
  let theirs: Record<string, unknown> = {};
  try {
    theirs = JSON.parse(line);
  } catch {
    // an unreadable header differs in everything
  }
  const ours = JSON.parse(fp) as Record<string, unknown>;
  const keys = Object.keys(ours).filter((k) => JSON.stringify(theirs[k]) !== JSON.stringify(ours[k]));
  const say = (k: string) =>
    k === 'sites' || k === 'model' ? k : `${k} ${JSON.stringify(theirs[k])} ≠ ${JSON.stringify(ours[k])}`;
  throw new TgrError(
    'bad_file',
    `${file} holds records made from another plan or settings (${keys.map(say).join(', ')}; file ≠ plan) — move it and ${unitsPathFor(file)} away, or run it under its own --name`,
    { file },
  );
}
