/** Where datasets live: an explicit --data-dir, else tgr's download cache, else system folders (Debian packages). */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { TgrError } from '../core/errors.js';

/** How to recognise a dataset's folder. */
export interface DataLayout {
  /** A file that must be present (any one of the alternatives, e.g. raw or gzipped). */
  marker: readonly string[];
  /** Sub-folders the archive unpacks into, tried below each candidate (e.g. 'cifar-10-batches-bin'). */
  subdirs: readonly string[];
  /** Folders searched when no --data-dir is given, after the cache. */
  systemDirs: readonly string[];
}

/** The root of tgr's cache: `cacheDir`, else $TGR_CACHE, else ~/.cache/tgr. */
export function cacheRoot(cacheDir?: string): string {
  // An empty TGR_CACHE counts as unset, so `TGR_CACHE= tgr …` does not write into the working folder.
  return cacheDir || process.env.TGR_CACHE || join(homedir(), '.cache', 'tgr');
}

/** The folder `tgr data fetch NAME` downloads into. */
export function datasetCacheDir(name: string, cacheDir?: string): string {
  return join(cacheRoot(cacheDir), 'datasets', name);
}

/** Finds the folder holding a dataset; a miss names every folder tried and how to get the data. */
export function locateDataset(name: string, layout: DataLayout, opts: { dataDir?: string; cacheDir?: string }): string {
  const roots =
    opts.dataDir !== undefined ? [opts.dataDir] : [datasetCacheDir(name, opts.cacheDir), ...layout.systemDirs];
  const tried: string[] = [];
  for (const root of roots) {
    for (const dir of [root, ...layout.subdirs.map((s) => join(root, s))]) {
      tried.push(dir);
      if (layout.marker.some((m) => existsSync(join(dir, m)))) return dir;
    }
  }
  const hint =
    opts.dataDir !== undefined
      ? 'point --data-dir at the folder holding it'
      : `run 'tgr data fetch ${name}' or pass --data-dir DIR`;
  throw new TgrError('bad_data', `${name}: no ${layout.marker.join(' or ')} found in ${tried.join(', ')}; ${hint}`, {
    name,
    tried,
  });
}
