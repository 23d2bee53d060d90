import { existsSync, readFileSync } from 'node:fs';
import type { z } from 'zod';
import { writeFileAtomic } from '../core/atomic-write.js';
import { TgrError } from '../core/errors.js';
import { oneAnalysisSchema } from './analysis.js';
import { runFolderFiles } from './file-names.js';
import { goldenSchema } from './golden.js';
import { metaSchema } from './meta.js';
import { planSchema } from './plan.js';
import { summarySchema } from './summary.js';

/**
 * The run folder's JSON files, one table: each kind's file name, schema and the command that makes it, one reader
 * and one writer. Every file carries `"tgrFile": {"kind", "version"}` first, so an old or foreign file is refused in
 * one line naming what it is. Files written before the header are read as the current version when their shape
 * passes the schema (users' runs/ folders and the test fixtures hold such files); a bump of `runFileVersion` makes
 * them, like any other version, a refusal that says which command re-creates the file.
 */

/** The run-file format version every file is written with and the only one read. */
export const runFileVersion = 1;

/** The key of the header object `{kind, version}` at the top of every run file. */
export const runFileHeaderKey = 'tgrFile';

interface RunFileEntry {
  file: string;
  schema: z.ZodType;
  /** The command that (re-)creates the file, as error messages name it. */
  makeWith: string;
  /** The file holds one value or a non-empty list of them, each with its own header. */
  list?: boolean;
  /** The schema accepts partial files (every field optional): never used to recognise a header-less foreign file. */
  partial?: boolean;
  /**
   * ±∞ and NaN are kept as `{"$number": "Infinity"}` and read back as numbers (plain JSON turns them into null): a
   * one-sided ratio is ∞, and a re-rendered report must show what the first rendering showed.
   */
  nonFinite?: boolean;
}

/** Every JSON file of a run folder: kind → file name, schema, what makes it. */
export const runFiles = {
  meta: { file: runFolderFiles.meta, schema: metaSchema, makeWith: "'tgr train'", partial: true },
  golden: {
    file: runFolderFiles.golden,
    schema: goldenSchema,
    makeWith: "'tgr inject' (it runs the golden pass first)",
  },
  plan: { file: runFolderFiles.plan, schema: planSchema, makeWith: "'tgr plan'" },
  summary: {
    file: runFolderFiles.summary,
    schema: summarySchema,
    makeWith: "'tgr inject' (or 'tgr merge' after shards)",
  },
  analysis: {
    file: runFolderFiles.analysis,
    schema: oneAnalysisSchema,
    makeWith: "'tgr compare'",
    list: true,
    nonFinite: true,
  },
} as const satisfies Record<string, RunFileEntry>;

/** A run file's kind: a key of `runFiles`. */
export type RunFileKind = keyof typeof runFiles;

type One<K extends RunFileKind> = z.output<(typeof runFiles)[K]['schema']>;

/** What a run file holds once read (and what its writer takes). */
export type RunFileValue<K extends RunFileKind> = (typeof runFiles)[K] extends { list: true }
  ? One<K> | One<K>[]
  : One<K>;

const entries: Readonly<Record<RunFileKind, RunFileEntry>> = runFiles;

/** Reads and validates a run file; any problem is one TgrError('bad_file') naming the file and what re-creates it. */
export function readRunFile<K extends RunFileKind>(kind: K, path: string): RunFileValue<K> {
  const e = entries[kind];
  const fail = (what: string, next = `re-create it with ${e.makeWith}`): never => {
    throw new TgrError('bad_file', `${path}: ${what} — ${next}`, { path, kind });
  };
  if (!existsSync(path)) fail('no such file', `create it with ${e.makeWith}`);
  let v: unknown;
  try {
    v = JSON.parse(readFileSync(path, 'utf8'), e.nonFinite ? reviveNonFinite : undefined);
  } catch (err) {
    return fail(`not valid JSON (${(err as Error).message})`);
  }
  if (e.list && Array.isArray(v)) {
    if (v.length === 0) fail(`an empty list; expected one ${e.file} entry or more`);
    return v.map((item, i) => readOne(kind, item, `[${i}]`, fail)) as RunFileValue<K>;
  }
  return readOne(kind, v, '', fail) as RunFileValue<K>;
}

/** Writes a run file atomically with its header: indented JSON, number arrays on one line. */
export function writeRunFile<K extends RunFileKind>(kind: K, path: string, value: RunFileValue<K>): void {
  const stamp = (v: unknown) => ({ [runFileHeaderKey]: { kind, version: runFileVersion }, ...(v as object) });
  const body = Array.isArray(value) ? value.map(stamp) : stamp(value);
  writeFileAtomic(path, compactJson(body, entries[kind].nonFinite ? keepNonFinite : undefined) + '\n');
}

/** JSON.stringify replacer: a non-finite number as `{"$number": "Infinity" | "-Infinity" | "NaN"}`. */
function keepNonFinite(_key: string, v: unknown): unknown {
  return typeof v === 'number' && !Number.isFinite(v) ? { $number: String(v) } : v;
}

/** JSON.parse reviver undoing keepNonFinite. */
function reviveNonFinite(_key: string, v: unknown): unknown {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return v;
  const o = v as Record<string, unknown>;
  const n = o.$number;
  return typeof n === 'string' && Object.keys(o).length === 1 && ['Infinity', '-Infinity', 'NaN'].includes(n)
    ? Number(n)
    : v;
}

/**
 * JSON indented for people, with number arrays kept on one line: per-image arrays would otherwise take a line per
 * number.
 */
export function compactJson(value: unknown, replacer?: (key: string, v: unknown) => unknown): string {
  return JSON.stringify(value, replacer, 2).replace(
    /\[\s+([-0-9.eE+,\s]*?)\s+\]/g,
    (_, inner: string) => `[${inner.replace(/\s+/g, '')}]`,
  );
}

function readOne(kind: RunFileKind, v: unknown, at: string, fail: (what: string, next?: string) => never): unknown {
  const e = entries[kind];
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    return fail(`${at ? `${at} is ` : ''}not ${an(e.file)} object (found ${Array.isArray(v) ? 'a list' : typeof v})`);
  const { [runFileHeaderKey]: header, ...body } = v as Record<string, unknown>;
  if (header !== undefined) {
    const h = header as { kind?: unknown; version?: unknown };
    const other = typeof h.kind === 'string' && Object.hasOwn(entries, h.kind) ? entries[h.kind as RunFileKind] : null;
    if (!other)
      return fail(`${at ? `${at}.` : ''}${runFileHeaderKey} is ${JSON.stringify(header)}; not a tgr run file`);
    if (h.kind !== kind) return fail(...foreign(other, e));
    if (h.version !== runFileVersion)
      return fail(
        `${e.file} of run-file version ${JSON.stringify(h.version)}; this tgr reads version ${runFileVersion}`,
      );
  }
  const r = e.schema.safeParse(body);
  if (r.success) return r.data;
  if (header === undefined) {
    const other = (Object.keys(entries) as RunFileKind[]).find(
      (k) => k !== kind && !entries[k].partial && entries[k].schema.safeParse(body).success,
    );
    if (other) return fail(...foreign(entries[other], e));
  }
  const issue = r.error.issues[0]!;
  const where = at + issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
  return fail(`not a valid ${e.file}: ${where.replace(/^\./, '') || '(top level)'}: ${issue.message}`);
}

/** What is wrong and what to do, for a file of another kind. */
function foreign(other: RunFileEntry, wanted: RunFileEntry): [string, string] {
  return [
    `${an(other.file)}, not ${an(wanted.file)}`,
    `pass ${an(wanted.file)}, or create one with ${wanted.makeWith}`,
  ];
}

/** A file name with its article, as a sentence says it ("an analysis.json"). */
function an(file: string): string {
  return `${/^[aeiou]/.test(file) ? 'an' : 'a'} ${file}`;
}
