/**
 * Swin-V2-T inference throughput at 224×224 (ImageNet layout, 1000 classes, linear head): tgr's graph in ONNX Runtime
 * against torchvision's swin_v2_t in PyTorch (Debian's /usr/bin/python3, eval mode, no_grad), same batch and thread
 * count, seeded random weights and images on each side (speed does not depend on the values). Runs alternate between
 * the two so both see the same machine load; medians of `--runs` timed batches after one warm-up are reported.
 *
 *   npx tsx bench/swin-v2-infer.ts [--batch 8] [--runs 5] [--threads 2] [--backbone swin-v2-t]
 */
import './tuned.js';
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { buildModel } from '../src/models/registry.js';
import { Session } from '../src/engine/session.js';
import { Rng } from '../src/core/rng.js';
import { f32 } from '../src/onnx/tensor.js';

const arg = (k: string, d: string) => {
  const i = process.argv.indexOf(`--${k}`);
  return i > 0 ? process.argv[i + 1]! : d;
};
const batch = Number(arg('batch', '8'));
const runs = Number(arg('runs', '5'));
const threads = Number(arg('threads', '2'));
const backbone = arg('backbone', 'swin-v2-t');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const model = buildModel({ backbone, head: 'linear', inputShape: [3, 224, 224], numClasses: 1000, seed: 1 });
const session = await Session.create(model, { threads });
const rng = new Rng(2);
const input = f32(
  [batch, 3, 224, 224],
  Array.from({ length: batch * 3 * 224 * 224 }, () => rng.normal()),
);
await session.run({ input });

// One timed torch batch per call (after its own warm-up), so the two sides interleave run by run.
const torchRun = `
import sys, time, torch, torchvision
torch.set_num_threads(${threads}); torch.manual_seed(1)
m = getattr(torchvision.models, "${backbone.replace(/-/g, '_')}")().eval()
x = torch.randn(${batch}, 3, 224, 224)
with torch.no_grad():
    m(x); t = time.perf_counter(); m(x); print(time.perf_counter() - t)
`;
const ort: number[] = [];
const torch: number[] = [];
for (let r = 0; r < runs; r++) {
  const t = performance.now();
  await session.run({ input });
  ort.push((performance.now() - t) / 1000);
  // OpenMP threads that spin-wait lose severalfold on a shared machine (ORT's sessions here do not spin either).
  const p = spawnSync('/usr/bin/python3', ['-c', torchRun], {
    encoding: 'utf8',
    env: { ...process.env, OMP_WAIT_POLICY: process.env.OMP_WAIT_POLICY ?? 'PASSIVE' },
  });
  if (p.status === 0) torch.push(Number(p.stdout.trim()));
  else console.error(p.stderr.trim().split('\n').at(-1));
}
await session.release();
const rate = (s: number[]) => (s.length ? (batch / median(s)).toFixed(1) : 'n/a');
console.log(
  `${backbone} 224×224, batch ${batch}, ${threads} threads, median of ${runs}: ORT ${rate(ort)} img/s, ` +
    `PyTorch ${rate(torch)} img/s (batch seconds ORT ${ort.map((s) => s.toFixed(2)).join(' ')}; ` +
    `torch ${torch.map((s) => s.toFixed(2)).join(' ')}); load average ${loadavg()[0]!.toFixed(1)}`,
);
