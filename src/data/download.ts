/**
 * Downloading one file with an MD5 check. Fails fast: the timeout bounds the wait for a response and every gap
 * between chunks, not the whole transfer, so a dead network errors in seconds while a slow large download goes on.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { TgrError } from '../core/errors.js';
import { progress } from '../core/progress.js';
import type { DownloadFile } from './source.js';

export interface DownloadOptions {
  /** Longest wait for a response or the next chunk, in ms (default 10,000). */
  timeoutMs?: number;
  /** Injected fetch (tests); default the global one. */
  fetch?: typeof fetch;
  quiet?: boolean;
}

/** MD5 of a file's bytes as lowercase hex. */
export function md5File(path: string): string {
  return createHash('md5').update(readFileSync(path)).digest('hex');
}

/** Downloads `file.url` into `dir`, verifies its MD5, and returns the path; a present, verified file is kept. */
export async function downloadFile(file: DownloadFile, dir: string, opts: DownloadOptions = {}): Promise<string> {
  const dest = join(dir, basename(new URL(file.url).pathname));
  if (existsSync(dest) && md5File(dest) === file.md5) return dest;
  mkdirSync(dir, { recursive: true });
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const offline = (why: string, cause = 'this machine may be offline') =>
    new TgrError(
      'network',
      `cannot download ${file.url} (${why}); ${cause} — copy the file into ${dir} and rerun (it is verified and unpacked), or pass --data-dir`,
      {
        url: file.url,
      },
    );
  const abort = new AbortController();
  let timer = setTimeout(() => abort.abort(), timeoutMs);
  const rearm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => abort.abort(), timeoutMs);
  };
  // Written under a temporary name and renamed when verified, so an interrupted download never looks complete.
  const part = `${dest}.part-${process.pid}`;
  try {
    let res: Response;
    try {
      res = await (opts.fetch ?? fetch)(file.url, { signal: abort.signal });
    } catch (e) {
      throw offline(abort.signal.aborted ? `no response within ${timeoutMs / 1000}s` : causeOf(e));
    }
    if (!res.ok || !res.body) throw offline(`HTTP ${res.status} ${res.statusText}`.trim(), 'the file may have moved');
    const total = Number(res.headers.get('content-length') ?? 0);
    const bar = progress({
      label: `download ${basename(dest)}`,
      total: Math.round(total / 2 ** 20),
      unit: 'MiB',
      quiet: opts.quiet,
    });
    const hash = createHash('md5');
    const out = await open(part, 'w');
    let bytes = 0;
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        rearm();
        hash.update(chunk);
        await out.write(chunk);
        const mib = Math.floor((bytes + chunk.length) / 2 ** 20) - Math.floor(bytes / 2 ** 20);
        bytes += chunk.length;
        if (mib > 0) bar.tick(mib);
      }
      await out.sync();
    } catch (e) {
      throw offline(abort.signal.aborted ? `stalled for ${timeoutMs / 1000}s after ${bytes} bytes` : causeOf(e));
    } finally {
      await out.close();
      bar.done();
    }
    const md5 = hash.digest('hex');
    if (md5 !== file.md5) {
      throw new TgrError(
        'bad_file',
        `${file.url}: MD5 ${md5} does not match the published ${file.md5} (${bytes} bytes); the download is corrupt — run the fetch again`,
        {
          url: file.url,
        },
      );
    }
    renameSync(part, dest);
    return dest;
  } finally {
    clearTimeout(timer);
    rmSync(part, { force: true });
  }
}

/** The innermost cause of a fetch failure (undici wraps ECONNREFUSED / ENOTFOUND in 'fetch failed'). */
function causeOf(e: unknown): string {
  let err = e;
  while (err instanceof Error && err.cause) err = err.cause;
  const msg = err instanceof Error ? err.message : String(err);
  const code = (err as { code?: unknown } | null)?.code;
  return (typeof code === 'string' && !msg.includes(code) ? `${code}: ${msg}` : msg).split('\n')[0]!;
}
