/** `tgr data fetch NAME`: download a dataset's published files into tgr's cache, verify them, unpack, and open it. */
import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { TgrError } from '../core/errors.js';
import type { Dataset } from './dataset.js';
import { downloadFile, type DownloadOptions } from './download.js';
import { datasetCacheDir } from './locate.js';
import { datasetSource } from './registry.js';
import type { DownloadFile } from './source.js';

export interface FetchOptions extends DownloadOptions {
  cacheDir?: string;
}

/** Downloads and unpacks `files` into `dir`. */
export async function fetchFiles(
  files: readonly DownloadFile[],
  dir: string,
  opts: DownloadOptions = {},
): Promise<void> {
  for (const file of files) {
    const path = await downloadFile(file, dir, opts);
    if (file.unpack) await unpackTarGz(path, dir);
  }
}

/** Fetches a registered dataset into the cache and opens it from there, proving the files are complete. */
export async function fetchDataset(name: string, opts: FetchOptions = {}): Promise<Dataset> {
  const source = datasetSource(name);
  if (!source.download) {
    throw new TgrError(
      'bad_argument',
      `${name} has no canonical download; get its files yourself and pass --data-dir DIR`,
      { name },
    );
  }
  const dir = datasetCacheDir(name, opts.cacheDir);
  await fetchFiles(source.download, dir, opts);
  return source.open({ cacheDir: opts.cacheDir });
}

/**
 * Unpacks with the system `tar` (present on Linux, macOS and Windows 10+): it streams multi-GB archives such as
 * STL-10's without holding them in memory, which no installed npm package does. It unpacks into a temporary folder
 * that is moved into place afterwards, so an interrupted unpack never leaves files that look complete.
 */
async function unpackTarGz(archive: string, dir: string): Promise<void> {
  const tmp = join(dir, `.unpack-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    await promisify(execFile)('tar', ['-xzf', archive, '-C', tmp]);
    for (const entry of readdirSync(tmp)) {
      rmSync(join(dir, entry), { recursive: true, force: true });
      renameSync(join(tmp, entry), join(dir, entry));
    }
  } catch (e) {
    const why = e instanceof Error ? e.message.split('\n')[0] : String(e);
    throw new TgrError(
      'bad_file',
      `${archive}: cannot unpack with the system tar (${why}); unpack it by hand into ${dir}`,
      { file: archive },
    );
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
