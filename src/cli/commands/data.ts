import { Argument } from 'commander';
import { lookup } from '../../core/errors.js';
import { fetchDataset } from '../../data/fetch.js';
import { describeDataset } from '../../data/info.js';
import { datasets, openDataset } from '../../data/registry.js';
import type { CliCommand } from '../command.js';
import { folder, integer, number, oneOf, outFolder, seed } from '../option-parsers.js';

interface DataOptions {
  dataDir?: string;
  cacheDir?: string;
  imageSize?: number;
  seed?: number;
  timeout: number;
}

const actions: Record<string, (name: string, o: DataOptions) => Promise<void>> = {
  async info(name, o) {
    const ds = await openDataset(name, {
      dataDir: o.dataDir,
      cacheDir: o.cacheDir,
      imageSize: o.imageSize,
      seed: o.seed,
    });
    console.log(describeDataset(ds));
  },
  async fetch(name, o) {
    const ds = await fetchDataset(name, { cacheDir: o.cacheDir, timeoutMs: o.timeout * 1000 });
    console.log(`${name}: ready in ${ds.source}`);
  },
};

/** `tgr data info|fetch DATASET`: describe a dataset, or download it into the cache. */
export const data: CliCommand = {
  name: 'data',
  summary: 'describe a dataset (counts per split and class, shape, class names) or download it',
  configure: (cmd) =>
    cmd
      .addArgument(new Argument('<action>', Object.keys(actions).join(' | ')).choices(Object.keys(actions)))
      .addArgument(
        new Argument('<dataset>', `one of: ${Object.keys(datasets).join(', ')}`).argParser(
          oneOf(Object.keys(datasets)),
        ),
      )
      .option('--data-dir <dir>', 'folder holding the dataset files (default: cache, then system folders)', folder())
      .option('--cache-dir <dir>', 'tgr cache root (default $TGR_CACHE or ~/.cache/tgr)', outFolder())
      .option('--image-size <n>', 'image side for image folders and synthetic data', integer(1, 4096))
      .option('--seed <n>', 'seed for synthetic data', seed())
      .option('--timeout <s>', 'fetch: seconds to wait for a response or the next chunk', number(0, 86_400, true), 10),
  async run(args, opts) {
    const [action, name] = args as [string, string];
    await lookup(actions, action, 'data action')(name, opts as unknown as DataOptions);
  },
};
