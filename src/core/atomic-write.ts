import { mkdirSync, writeFileSync, renameSync, openSync, fsyncSync, closeSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { TgrError } from './errors.js';

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
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(tmp, data);
    const fd = openSync(tmp, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    // A failed write (path is a folder, disk full…) must not leave the temp file behind.
    try {
      rmSync(tmp, { force: true });
    } catch {
      // Under a file (ENOTDIR) the temp file was never created.
    }
    throw fsError(path, e);
  }
}

/** Writes JSON (2-space indented, trailing newline) atomically. */
export function writeJsonAtomic(path: string, value: unknown): void {
  writeFileAtomic(path, JSON.stringify(value, null, 2) + '\n');
}
