import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { fitSection } from '../../src/analysis/fit-section.js';
import { campaignReliability, type CampaignReliability } from '../../src/analysis/reliability.js';
import { readRun } from '../../src/analysis/run-dir.js';
import { fitAssumptions } from '../../src/analysis/stats/fit.js';
import type { BitCell } from '../../src/analysis/stats/bit-vulnerability.js';
import type { LayerProfile } from '../../src/faults/store/records.js';
import { handPair, tempDir } from './fixtures.js';

type Side = { campaign: CampaignReliability; layers: readonly LayerProfile[] };

/** Both models of the hand pair as fitSection takes them. */
function sides(root: string): [Side, Side] {
  const pair = handPair(root);
  const side = (dir: string): Side => {
    const run = readRun(dir);
    return { campaign: campaignReliability(run, run.campaigns[0]!), layers: run.golden.layers };
  };
  return [side(pair.baseline), side(pair.textGuided)];
}

// Per layer: raw FIT/Mbit × neurons × bits / 2^20 × mismatch rate. Every figure here is a dyadic fraction, so exact.
const perMbit = (neurons: number, bits: number, sdc: number, raw = 1000) => raw * ((neurons * bits) / 2 ** 20) * sdc;

test('fp32: each layer 32 bits per neuron, FIT summed over layers, baseline ÷ text-guided', (t) => {
  const root = tempDir('fit-section');
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const [b, g] = sides(root);
  const s = fitSection(b, g);
  assert.equal(s.format, 'fp32');
  assert.equal(s.rawFitPerMbit, 1000);
  assert.equal(s.assumptions, fitAssumptions(1000));
  // Baseline: conv1 (8 neurons, mismatch ½), fc (3, 1). Text-guided: only head.latent (4, ½) mismatches.
  assert.deepEqual(
    s.baseline.layers.map((l) => [l.layer, l.bitsPerInference, l.fit]),
    [
      ['conv1', 256, perMbit(8, 32, 0.5)],
      ['fc', 96, perMbit(3, 32, 1)],
    ],
  );
  assert.equal(s.baseline.fit, 0.213623046875);
  assert.equal(s.baseline.totalBits, 352);
  assert.equal(s.textGuided.fit, perMbit(4, 32, 0.5));
  assert.equal(s.ratio.ratio, 3.5);
});

test('bits per value are the format’s stored bits: named, family spec, or 32 for a name tgr does not know', (t) => {
  const root = tempDir('fit-section-bits');
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const [b, g] = sides(root);
  const as = (side: Side, format: string): Side => ({ ...side, campaign: { ...side.campaign, format } });
  const conv1Bits = (format: string) => fitSection(as(b, format), g).baseline.layers[0]!.bitsPerInference;
  assert.equal(conv1Bits('fp16'), 8 * 16);
  assert.equal(conv1Bits('fp8-e4m3'), 8 * 8);
  assert.equal(conv1Bits('int:4'), 8 * 4);
  assert.equal(conv1Bits('fp:e5m10'), 8 * 16);
  assert.equal(conv1Bits('fp32'), 8 * 32);
  // BFP stores a block's exponent once per K values: bfp:8:m7 is 7 + 1 + 8/8 = 9 bits a value, not its 16-bit pattern.
  assert.equal(conv1Bits('bfp8'), 8 * 9);
  assert.equal(conv1Bits('bfp:8:m7'), 8 * 9);
  assert.equal(conv1Bits('bfp:4:m3'), 8 * 6);
  assert.equal(conv1Bits('my-campaign'), 8 * 32);
  assert.equal(conv1Bits('int:banana'), 8 * 32);
});

test('BFP: a layer’s rate is reweighted per stored bit from the heat map (an exponent bit counts 1/K), else the per-site rate', (t) => {
  const root = tempDir('fit-section-bfp');
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const [b, g] = sides(root);
  // bfp:2:m3: bits 0..3 the value's (stored once each), 4..11 the block exponent (once per 2 values): 8 bits a value.
  const cell = (bit: number, rate: number) =>
    ({ layer: 'conv1', bit, mismatchRate: rate, mismatchCi: 0.25 }) as unknown as BitCell;
  const cells = Array.from({ length: 12 }, (_, bit) => cell(bit, bit < 4 ? 0.5 : 1));
  const bfp = (bits: BitCell[] | null, errorModel = 'bit-flip'): Side => ({
    ...b,
    campaign: { ...b.campaign, format: 'bfp:2:m3', bits, errorModel },
  });
  const conv1 = (side: Side) => fitSection(side, g).baseline.layers[0]!;
  // (4 × ½ + 8 × ½ × 1) / 8 = ¾, where the sites' own rate (conv1's ½) weighs each exponent bit twice its storage.
  assert.deepEqual(conv1(bfp(cells)), {
    layer: 'conv1',
    bitsPerInference: 64,
    fit: perMbit(8, 8, 0.75),
    fitCi: perMbit(8, 8, 0.25 * Math.sqrt(4 / 64 + 8 / 256)),
  });
  assert.equal(fitSection(bfp(cells), g).baseline.layers[1]!.fit, perMbit(3, 8, 1)); // fc: no cells, its own rate
  assert.equal(conv1(bfp(cells.slice(1))).fit, perMbit(8, 8, 0.5)); // bit 0 never drawn: the per-site rate
  assert.equal(conv1(bfp(null)).fit, perMbit(8, 8, 0.5));
  assert.equal(conv1(bfp(cells, 'stuck-at-1')).fit, perMbit(8, 8, 0.5));
  const q = (side: Side) => ({ ...side, campaign: { ...side.campaign, format: 'q:3.4', bits: cells } });
  assert.equal(conv1(q(b)).fit, perMbit(8, 8, 0.5)); // no shared bits: the per-site rate is the per-stored-bit one
});

test('the raw rate scales every FIT linearly; a layer missing from the profiles counts no bits', (t) => {
  const root = tempDir('fit-section-raw');
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const [b, g] = sides(root);
  const s = fitSection(b, g, 100);
  assert.equal(s.rawFitPerMbit, 100);
  assert.equal(s.assumptions, fitAssumptions(100));
  assert.equal(s.baseline.fit, perMbit(8, 32, 0.5, 100) + perMbit(3, 32, 1, 100));
  const noFc = fitSection({ ...b, layers: b.layers.filter((l) => l.name !== 'fc') }, g);
  assert.deepEqual(
    noFc.baseline.layers.map((l) => [l.layer, l.bitsPerInference, l.fit]),
    [
      ['conv1', 256, perMbit(8, 32, 0.5)],
      ['fc', 0, 0],
    ],
  );
  assert.throws(() => fitSection(b, g, -1), /raw upset rate must be a FIT\/Mbit figure ≥ 0 .*; got -1/);
});
