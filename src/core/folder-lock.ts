import { closeSync, linkSync, openSync, readdirSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { TgrError } from './errors.js';

/** Who holds a lock: what the lock file says. */
export interface LockOwner {
  pid: number;
  host: string;
  /** ISO time the owner took the lock. */
  started: string;
}

/** A held lock; `release()` is idempotent and also runs on exit, SIGINT and SIGTERM. */
export interface FolderLock {
  readonly path: string;
  release(): void;
}

/**
 * Locks this process holds, by path, with a count: a writer that calls another writer (inject → summarize) re-enters.
 */
const held = new Map<string, { count: number; owner: LockOwner }>();

/**
 * Takes the lock file `path` (e.g. `campaign/fp32/faults.jsonl.lock`) for one writer: created with O_EXCL, holding
 * the owner's pid, host and start time. A lock left by a dead process of this host (a SIGKILL) is taken over; a live
 * owner — or one on another host, whose liveness cannot be checked — is a one-line error saying what to do.
 */
export function lockFile(path: string): FolderLock {
  const mine = held.get(path);
  if (mine) {
    mine.count++;
    return handle(path);
  }
  const owner: LockOwner = { pid: process.pid, host: hostname(), started: new Date().toISOString() };
  for (let attempt = 0; ; attempt++) {
    if (tryCreate(path, owner)) break;
    const other = readOwner(path);
    if (other === undefined) continue; // released between our create and read: try again
    if (other === null || !isStale(other)) {
      // Unreadable content means a writer is between its create and its write (a few µs): treat it as live.
      if (other === null && attempt < 50) {
        sleepSync(2);
        continue;
      }
      throw new TgrError(
        'bad_file',
        other === null
          ? `${dirname(path)} is locked by another tgr (${path} is unreadable) — wait for it to finish, or delete ${path} if no tgr is running`
          : `${dirname(path)} is being written by tgr pid ${other.pid} on ${other.host} since ${other.started} — wait for it to finish (or stop it), or delete ${path} if that process is gone`,
        { path },
      );
    }
    takeOver(path, other);
  }
  held.set(path, { count: 1, owner });
  watchExit();
  return handle(path);
}

/**
 * Removes `NAME.tmp-PID` files in `dir` left by dead processes of this host (temp files of atomic writes cut by a
 * kill).
 */
export function removeStaleTemps(dir: string, names?: readonly string[]): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const e of entries) {
    const m = /^(.+)\.tmp-(\d+)$/.exec(e);
    if (!m || (names && !names.includes(m[1]!))) continue;
    const pid = Number(m[2]);
    if (pid === process.pid || isAlive(pid)) continue;
    try {
      unlinkSync(join(dir, e));
      removed.push(e);
    } catch {
      // another cleaner got there first
    }
  }
  return removed;
}

function handle(path: string): FolderLock {
  let released = false;
  return {
    path,
    release() {
      if (released) return;
      released = true;
      const h = held.get(path);
      if (!h || --h.count > 0) return;
      held.delete(path);
      removeIfMine(path, h.owner);
    },
  };
}

function tryCreate(path: string, owner: LockOwner): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new TgrError(
      'bad_file',
      `${path}: cannot create the lock file (${(e as NodeJS.ErrnoException).code}) — check that ${dirname(path)} is a writable folder`,
      { path },
    );
  }
  try {
    writeSync(fd, JSON.stringify(owner) + '\n');
  } finally {
    closeSync(fd);
  }
  return true;
}

/** The owner a lock file names; undefined when the file is gone, null when it does not parse. */
function readOwner(path: string): LockOwner | null | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const o = JSON.parse(text) as LockOwner;
    return Number.isInteger(o.pid) && typeof o.host === 'string' ? o : null;
  } catch {
    return null;
  }
}

const sameOwner = (a: LockOwner | null | undefined, b: LockOwner): boolean =>
  !!a && a.pid === b.pid && a.host === b.host && a.started === b.started;

function isStale(o: LockOwner): boolean {
  return o.host === hostname() && !isAlive(o.pid);
}

/** Whether a pid of this host is running (EPERM: it is, under another user). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Moves a dead owner's lock aside under a name only this process uses, then checks that what it moved is still that
 * dead owner's: a racing process may have taken the lock over in between, and its live lock is put back (link fails
 * rather than overwrite if a third writer got there meanwhile).
 */
function takeOver(path: string, stale: LockOwner): void {
  const aside = `${path}.stale-${process.pid}`;
  try {
    renameSync(path, aside);
  } catch {
    return; // someone else moved it first: the caller retries the create
  }
  if (!sameOwner(readOwner(aside), stale)) {
    try {
      linkSync(aside, path);
    } catch {
      // the lock was re-taken meanwhile; the moved one is dropped
    }
  }
  try {
    unlinkSync(aside);
  } catch {
    // already gone
  }
}

function removeIfMine(path: string, owner: LockOwner): void {
  if (!sameOwner(readOwner(path), owner)) return; // taken over after we were presumed dead: not ours to remove
  try {
    unlinkSync(path);
  } catch {
    // gone already
  }
}

/** Blocks this thread for `ms` milliseconds (a lock retry; there is nothing else to do meanwhile). */
function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

let watching = false;

/** Releases every held lock when the process ends: normally, by process.exit, or by SIGINT/SIGTERM (then re-raised). */
function watchExit(): void {
  if (watching) return;
  watching = true;
  const releaseAll = () => {
    for (const [path, h] of held) removeIfMine(path, h.owner);
    held.clear();
  };
  process.on('exit', releaseAll);
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      releaseAll();
      // Only ours was listening: re-raise so the process dies of the signal, as it would have without a lock.
      if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
    });
  }
}

/** The lock file guarding a results file: `faults.jsonl` → `faults.jsonl.lock` beside it. */
export function lockPathFor(file: string): string {
  return join(dirname(file), `${basename(file)}.lock`);
}
