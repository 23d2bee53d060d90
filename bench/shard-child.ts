/**
 * One shard of a planned campaign on a bench target's in-memory images, as a child process: what `tgr inject --jobs N`
 * starts per shard, for images no dataset format holds. bench/time-to-stats.ts starts one per core. Reads DIR/images.bin
 * and DIR/labels.bin (bench/peer.ts writes them) and the campaign settings as JSON; golden.json and plan.json must
 * already be in DIR, so the shard only reads them. Prints {"startup": s, "seconds": s} when done.
 *
 *   npx tsx bench/shard-child.ts DIR C,H,W K/N THREADS '{"perLayer":512,"stratify":"bit",…}'
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { injectCampaign } from '../src/faults/campaign.js';
import type { CampaignOptions } from '../src/faults/campaign-options.js';
import { imageSetFromArrays } from '../src/faults/run/images.js';
import { benchImages } from './peer.js';

const [dir, shapeArg, shard, threads, settings] = process.argv.slice(2) as [string, string, string, string, string];
const bytes = (f: string) => {
  const b = readFileSync(join(dir, f));
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
};
const shape = shapeArg.split(',').map(Number) as [number, number, number];
const images = imageSetFromArrays({
  images: new Float32Array(bytes('images.bin')),
  labels: new Int32Array(bytes('labels.bin')),
  shape,
  name: benchImages,
});
const [index, count] = shard.split('/').map(Number) as [number, number];
// Start-up (node, tsx compiling the sources, reading the images) is what the parent cannot see: reported on stdout.
const startup = performance.now() / 1000;
await injectCampaign({
  ...(JSON.parse(settings) as Omit<CampaignOptions, 'images' | 'model' | 'runDir'>),
  model: join(dir, 'model.onnx'),
  images,
  runDir: dir,
  shard: { index, count },
  threads: Number(threads),
  quiet: true,
});
console.log(JSON.stringify({ startup, seconds: performance.now() / 1000 - startup }));
