import { mkdirSync, writeSync, renameSync, openSync, fsyncSync, closeSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { TgrError, invariant } from './errors.js';

/** Why a path could not be written, in words a user can act on (the fs error code alone says little). */
const reasons: Readonly<Record<string, string>> = {
  EISDIR: 'it is a folder; pass a file path',
  ENOTDIR: 'a part of the path is a file, not a folder; pass a path in a folder',
  EEXIST: 'a part of the path is a file, not a folder; pass a path in a folder',
  EACCES: 'permission denied; pick a folder you can write to',
  EPERM: 'permission denied; pick a folder you can write to',
  EROFS: 'the file system is read-only; pick another folder',
  ENOSPC: 'the disk is full; free space or pick another disk',
  ENAMETOOLONG: 'the name is too long; pick a shorter path',
  ENOENT: 'no such file or folder; check the path',
};

/** Turns a file-system error about `path` into a one-line TgrError; other errors pass unchanged. */
export function fsError(path: string, e: unknown, doing = 'cannot write'): unknown {
  const code = (e as { code?: unknown } | null)?.code;
  const reason = typeof code === 'string' ? reasons[code] : undefined;
  return reason ? new TgrError('bad_file', `${doing} ${path}: ${reason}`, { code }) : e;
}

/** Writes a file via a temp name + rename so a killed process never leaves a half-written file. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const file = openAtomicFile(path);
  file.writeAt(typeof data === 'string' ? Buffer.from(data) : data, 0);
  file.commit();
}

/** Writes JSON (2-space indented, trailing newline) atomically. */
export function writeJsonAtomic(path: string, value: unknown): void {
  writeFileAtomic(path, JSON.stringify(value, null, 2) + '\n');
}

/** A file written piece by piece at any offsets under a temp name, appearing at `path` only when committed. */
export interface AtomicFile {
  /** Writes `data` at byte `position` of the file. */
  writeAt(data: Uint8Array, position: number): void;
  /** Flushes the file to disk and renames it to its path. */
  commit(): void;
  /** Closes and removes the temp file (after a failure; a no-op once committed). */
  abort(): void;
}

/**
 * Opens `path`'s temp file (PATH.tmp-PID, which removeStaleTemps knows) for writing in pieces, so a large file made
 * in order of work rather than of bytes needs neither a buffer of its whole size nor a second copy to concatenate.
 * Any failure removes the temp file.
 */
export function openAtomicFile(path: string): AtomicFile {
  const tmp = `${path}.tmp-${process.pid}`;
  let fd: number | undefined;
  try {
    mkdirSync(dirname(path), { recursive: true });
    fd = openSync(tmp, 'w');
  } catch (e) {
    throw fsError(path, e);
  }
  const abort = () => {
    if (fd === undefined) return;
    closeSync(fd);
    fd = undefined;
    rmSync(tmp, { force: true });
  };
  const guarded = (f: (fd: number) => void) => {
    invariant(fd !== undefined, `${path}: written after it was committed or aborted`);
    try {
      f(fd);
    } catch (e) {
      abort();
      throw fsError(path, e);
    }
  };
  return {
    writeAt: (data, position) =>
      guarded((fd) => {
        for (let done = 0; done < data.length;) done += writeSync(fd, data, done, data.length - done, position + done);
      }),
    commit: () =>
      guarded((f) => {
        fsyncSync(f);
        closeSync(f);
        fd = undefined;
        try {
          renameSync(tmp, path);
        } catch (e) {
          rmSync(tmp, { force: true });
          throw e;
        }
      }),
    abort,
  };
}
