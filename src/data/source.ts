/** What a dataset format registers: how to open it and, when it is downloadable, from where. */
import type { Dataset } from './dataset.js';

export interface OpenOptions {
  /** Folder holding the files; default: tgr's cache, then system folders. */
  dataDir?: string;
  /** Root of tgr's cache (default $TGR_CACHE or ~/.cache/tgr). */
  cacheDir?: string;
  /** Output image side for image folders (default 224) and the synthetic dataset. */
  imageSize?: number;
  /** Seed for generated data (synthetic). */
  seed?: number;
}

/** One file of a download: its canonical URL and the checksum its publisher gives. */
export interface DownloadFile {
  url: string;
  md5: string;
  /** Unpack a .tar.gz archive after verifying it. */
  unpack?: boolean;
}

export interface DatasetSource {
  /** One line for `tgr data info` and lookup errors. */
  summary: string;
  open(opts: OpenOptions): Promise<Dataset>;
  /** Canonical download, when the dataset is published as files tgr can fetch. */
  download?: readonly DownloadFile[];
}
