import { test } from 'node:test';
import assert from 'node:assert/strict';
import { numberFormat } from '../../../src/faults/formats/registry.js';
import { bfpExponent } from '../../../src/faults/formats/bfp.js';
import type { FormatContext } from '../../../src/faults/formats/format.js';
import { emulatedModel } from '../../../src/faults/run/emulate.js';
import { outputChannelAxis } from '../../../src/faults/run/channel-axis.js';
import { channelMaxAbs } from '../../../src/faults/run/channel-profile.js';
import { planCampaign } from '../../../src/faults/plan/plan.js';
import { PlainInjector, WeightPlain } from '../../../src/faults/run/plain.js';
import { UnitForward } from '../../../src/faults/run/unit-cache.js';
import { rowOf } from '../../../src/faults/run/injector.js';
import { f32ToBits } from '../../../src/faults/formats/fp32.js';
import { residualNet } from '../nets.js';
import { fixture, type Fixture } from '../fixtures.js';
import { assertClose, checkAgainstPlain, runScored } from '../plain-check.js';

/**
 * Runs a neuron campaign on an emulated net (every fault through its suffix) and holds each record to a JS reference
 * built here from the format's definition: the stored golden value (the quantizer's output) encoded with `ctxOf`'s
 * context, the bit XORed, decoded — for a bit the format shares (BFP's exponent) every value of `groupOf`'s block
 * so; the scores to the whole model with those values stored at the layer, bit for bit. `bits`: the sites' bits in
 * turn instead of the plan's. Returns each fault's reference (so a test can check the contexts were not the
 * per-layer one the runner used before).
 */
async function holdToReference(
  fx: Fixture,
  spec: string,
  ctxOf: (tensor: string, row: Float32Array, index: number) => FormatContext,
  opts: { groupOf?: (tensor: string, index: number) => number[]; bits?: number[] } = {},
): Promise<Checked[]> {
  const fmt = numberFormat(spec);
  const { classifier: clf, golden, images } = fx;
  const plan = planCampaign({ classifier: clf, golden, perLayer: 24, format: spec, seed: 11, batchSize: 16 });
  if (opts.bits) plan.sites.bit.forEach((_, i) => (plan.sites.bit[i] = opts.bits![i % opts.bits!.length]!));
  const run = await runScored(fx, plan, false);
  const scores = new Map([...run.scores].map(([id, x]) => [id, x.s]));
  const records = run.records;
  const K = clf.output.classes;
  const checked: Checked[] = [];
  for (const pl of plan.layers) {
    const layer = clf.layers.find((l) => l.name === pl.name)!;
    const stored = layer.tensor.replace(/\.fp32$/, '');
    const recs = records.filter((r) => r.layer === pl.name);
    const forward = await UnitForward.create(clf, clf.model, [stored]);
    const cache = await forward.run(
      images,
      recs.map((r) => r.image),
    );
    await forward.release();
    const changes = recs.map((r, k) => {
      const row = rowOf(cache.tensors[stored]!, k);
      // JSON records keep no sign of zero: −0 and +0 compare equal here, the scores below tell them apart.
      assert.ok(
        r.original === row[r.index],
        `${pl.name} fault ${r.id}: stored golden ${row[r.index]}, got ${r.original}`,
      );
      const ctx = ctxOf(stored, row, r.index);
      const flip = (j: number) => Math.fround(fmt.decode((fmt.encode(row[j]!, ctx) ^ (1 << r.bit)) >>> 0, ctx));
      const faulty = flip(r.index);
      assert.equal(f32ToBits(r.faulty || 0), f32ToBits(faulty || 0), `${pl.name} fault ${r.id} bit ${r.bit}: faulty`);
      checked.push({
        tensor: stored,
        row,
        index: r.index,
        bit: r.bit,
        ctx,
        layerCtx: fmt.contextFor(pl.maxAbs),
        faulty,
      });
      const others =
        ((fmt.shared ?? 0) >>> r.bit) & 1 ? opts.groupOf!(stored, r.index).filter((j) => j !== r.index) : [];
      return { index: Int32Array.from([r.index, ...others]), value: Float32Array.from([r.index, ...others], flip) };
    });
    const plain = await PlainInjector.create(clf, clf.model, stored);
    const out = await plain.run(cache.pixels, changes);
    await plain.release();
    // Bit for bit, but for the sign of a zero score: the plain path's Where stores a −0 value as +0.
    const bits = (a: Float32Array) => Array.from(a, (v) => f32ToBits(v || 0));
    recs.forEach((r, k) =>
      assert.deepEqual(
        bits(scores.get(r.id)!),
        bits(out.slice(k * K, (k + 1) * K)),
        `${pl.name} fault ${r.id}: scores`,
      ),
    );
  }
  return checked;
}

interface Checked {
  tensor: string;
  row: Float32Array;
  index: number;
  bit: number;
  ctx: FormatContext;
  layerCtx: FormatContext;
  faulty: number;
}

/** Element indices of the block holding `index` (K channels at one spatial position) in a [C, …] row. */
function blockOf(C: number, inner: number, K: number, index: number): number[] {
  const c0 = Math.floor(index / inner) - (Math.floor(index / inner) % K);
  const out: number[] = [];
  for (let c = c0; c < Math.min(C, c0 + K); c++) out.push(c * inner + (index % inner));
  return out;
}

/** A bfp:4:m3 campaign on an emulated net with the sites' bits in turn, held to the reference with blocks of 4. */
async function bfpCampaign(bits: number[]) {
  const fp32 = await fixture(residualNet(), 12);
  const fx = await fixture(emulatedModel(fp32.classifier.model, fp32.golden.layers, numberFormat('bfp:4:m3')), 12);
  const byTensor = new Map(fx.classifier.layers.map((l) => [l.tensor.replace(/\.fp32$/, ''), l]));
  const groupOf = (tensor: string, index: number) => {
    const layer = byTensor.get(tensor)!;
    return blockOf(layer.shape[0]!, layer.neurons / layer.shape[0]!, 4, index);
  };
  const r = await holdToReference(
    fx,
    'bfp:4:m3',
    (tensor, row, index) => ({
      exponent: bfpExponent(Math.max(...groupOf(tensor, index).map((j) => Math.abs(row[j]!)))),
    }),
    { groupOf, bits },
  );
  return { r, byTensor };
}

test('bfp:4:m3 emulated net: a flip is encoded with its block’s exponent, kept after the flip; scores equal the JS reference bit for bit', async () => {
  const { r, byTensor } = await bfpCampaign([0, 1, 2, 3]);
  const notLayer = r.filter((x) => x.ctx.exponent !== x.layerCtx.exponent).length;
  assert.ok(notLayer > r.length / 2, `most blocks' exponents are not the layer's (${notLayer} of ${r.length})`);
  // Faults that took the block's largest value below 2^E: recomputing the exponent from the faulty block would lower it.
  const shrunk = r.filter((x) => {
    const layer = byTensor.get(x.tensor)!;
    const C = layer.shape[0]!;
    const others = blockOf(C, layer.neurons / C, 4, x.index).filter((j) => j !== x.index);
    return Math.abs(x.faulty) < 2 ** x.ctx.exponent! && others.every((j) => Math.abs(x.row[j]!) < 2 ** x.ctx.exponent!);
  });
  assert.ok(shrunk.length > 0, 'some flips shrink their block’s largest value, and the exponent is kept');
});

test('int:4:channel emulated net: a flip is encoded with its channel’s scale; scores equal the JS reference bit for bit', async () => {
  const fp32 = await fixture(residualNet(), 12);
  const { classifier, images, golden } = fp32;
  const channels = await channelMaxAbs({ classifier, images, indices: golden.indices, quiet: true });
  const fmt = numberFormat('int:4:channel');
  const fx = await fixture(emulatedModel(classifier.model, golden.layers, fmt, [], channels), 12);
  const byTensor = new Map(fx.classifier.layers.map((l) => [l.tensor.replace(/\.fp32$/, ''), l]));
  const r = await holdToReference(fx, 'int:4:channel', (tensor, _row, index) => {
    const layer = byTensor.get(tensor)!;
    const C = layer.shape[0]!;
    const max = channels.get(tensor)!;
    const layerMax = golden.layers.find((l) => l.tensor === tensor)!.maxAbs;
    const c = Math.floor(index / (layer.neurons / C));
    return { scale: (max[c]! > 0 ? max[c]! : layerMax) / 7 };
  });
  const notLayer = r.filter((x) => x.ctx.scale !== x.layerCtx.scale).length;
  assert.ok(notLayer > r.length / 2, `most channels' scales are not the layer's (${notLayer} of ${r.length})`);
});

test('int:4:channel and bfp:2:m3 with weights held: a weight flip is encoded with its output channel’s scale or its block’s exponent', async () => {
  const fp32 = await fixture(residualNet(), 8);
  const { classifier, images, golden } = fp32;
  const channels = await channelMaxAbs({ classifier, images, indices: golden.indices, quiet: true });
  const weights = classifier.layers.flatMap((l) => (l.weight ? [l.weight] : []));
  const g = classifier.model.graph;
  for (const spec of ['int:4:channel', 'bfp:2:m3']) {
    const fmt = numberFormat(spec);
    const fx = await fixture(emulatedModel(classifier.model, golden.layers, fmt, weights, channels), 8);
    let checked = 0;
    await checkAgainstPlain(fx, 'weights', false, {
      format: spec,
      perLayer: 8,
      inspect: (plan, records) =>
        records.forEach((r) => {
          const name = plan.layers.find((l) => l.name === r.layer)!.tensor;
          const w = g.initializers.get(name)!;
          const fp = w.data as Float32Array;
          const stored = fx.classifier.model.graph.initializers.get(name)!.data as Float32Array;
          let ctx: FormatContext;
          if (spec === 'bfp:2:m3') {
            // Blocks of 2 along axis 1 at one (axis 0, spatial) position.
            const inner = w.dims.slice(2).reduce((a, b) => a * b, 1);
            const C = w.dims[1]!;
            const base = r.index - (r.index % (C * inner));
            const c = Math.floor(r.index / inner) % C;
            const block = [c - (c % 2), c - (c % 2) + 1]
              .filter((k) => k < C)
              .map((k) => base + k * inner + (r.index % inner));
            ctx = { exponent: bfpExponent(Math.max(...block.map((j) => Math.abs(stored[j]!)))) };
          } else {
            const axis = outputChannelAxis(g, name);
            const inner = w.dims.slice(axis + 1).reduce((a, b) => a * b, 1);
            const oc = Math.floor(r.index / inner) % w.dims[axis]!;
            let max = 0;
            fp.forEach((v, i) => Math.floor(i / inner) % w.dims[axis]! === oc && (max = Math.max(max, Math.abs(v))));
            ctx = { scale: max / 7 };
          }
          assert.ok(stored[r.index] === r.original, `${name}[${r.index}] is the stored weight`);
          const want = Math.fround(fmt.decode((fmt.encode(stored[r.index]!, ctx) ^ (1 << r.bit)) >>> 0, ctx));
          assert.equal(f32ToBits(r.faulty || 0), f32ToBits(want || 0), `${spec} ${name}[${r.index}] bit ${r.bit}`);
          checked++;
        }),
    });
    assert.ok(checked > 0);
  }
});

test('bfp:4:m3 emulated net: a flip of the shared exponent (bits 4..11) changes the whole block; scores equal the JS reference bit for bit', async () => {
  const { r } = await bfpCampaign([4, 5, 6, 7, 8, 9, 10, 11]);
  assert.ok(r.length > 0 && r.every((x) => x.bit >= 4));
  // Raising E by 2^k multiplies a value by 2^(2^k): the record holds the site's own value so changed.
  const up = r.filter((x) => ((x.ctx.exponent! + 127) >> (x.bit - 4)) % 2 === 0 && x.row[x.index] !== 0);
  assert.ok(up.length > 0);
  for (const x of up) {
    const held = numberFormat('bfp:4:m3').decode(numberFormat('bfp:4:m3').encode(x.row[x.index]!, x.ctx), x.ctx);
    assert.equal(x.faulty, Math.fround(held * 2 ** (2 ** (x.bit - 4))), `bit ${x.bit} of E = ${x.ctx.exponent}`);
  }
});

test('bfp:2:m3 with weights held: a weight’s shared-exponent flip changes its whole block; scores equal the plain path with the JS reference block', async () => {
  const fp32 = await fixture(residualNet(), 8);
  const { classifier, golden } = fp32;
  const weights = classifier.layers.flatMap((l) => (l.weight ? [l.weight] : []));
  const spec = 'bfp:2:m3';
  const fmt = numberFormat(spec);
  const fx = await fixture(emulatedModel(classifier.model, golden.layers, fmt, weights), 8);
  const clf = fx.classifier;
  const plan = planCampaign({
    classifier: clf,
    golden: fx.golden,
    perLayer: 8,
    target: 'weights',
    format: spec,
    seed: 5,
  });
  plan.sites.bit.forEach((_, i) => (plan.sites.bit[i] = 4 + (i % 8)));
  const { records, scores } = await runScored(fx, plan);
  let blocks = 0;
  let apart = 0;
  for (const pl of plan.layers) {
    const name = clf.layers.find((l) => l.name === pl.name)!.weight!;
    const w = clf.model.graph.initializers.get(name)!;
    const stored = w.data as Float32Array;
    const wp = await WeightPlain.create(clf, clf.model, name);
    for (const r of records.filter((x) => x.layer === pl.name)) {
      // The block of 2 along axis 1 at the weight's (axis 0, spatial) position, each re-decoded with the flipped E.
      const inner = w.dims.slice(2).reduce((a, b) => a * b, 1);
      const C = w.dims[1]!;
      const block = blockOf(C, inner, 2, r.index % (C * inner)).map((j) => j + r.index - (r.index % (C * inner)));
      const ctx = { exponent: bfpExponent(Math.max(...block.map((j) => Math.abs(stored[j]!)))) };
      const flip = (j: number) => Math.fround(fmt.decode((fmt.encode(stored[j]!, ctx) ^ (1 << r.bit)) >>> 0, ctx));
      assert.ok(r.bit >= 4 && stored[r.index] === r.original, `${name}[${r.index}]: the stored weight, bit ${r.bit}`);
      assert.equal(f32ToBits(r.faulty || 0), f32ToBits(flip(r.index) || 0), `${name}[${r.index}] bit ${r.bit}: faulty`);
      const pixels = await fx.images.pixels([r.image]);
      const whole = await wp.run(pixels, 1, { index: Int32Array.from(block), value: Float32Array.from(block, flip) });
      const got = scores.get(r.id)!;
      const what = `${name}[${r.index}] bit ${r.bit} (${got.path})`;
      // The plain path is the same whole-model run: bit for bit. The suffix adds Σ δ·x to the golden output, which
      // rounds apart from the convolution's own sum: within the exactness tests' tolerance.
      if (got.path === 'plain') assert.deepEqual(got.s, whole, what);
      else assertClose(got.s, whole, what);
      if (block.length < 2 || block.every((j) => j === r.index || flip(j) === stored[j])) continue;
      blocks++;
      const one = await wp.run(pixels, 1, { index: Int32Array.of(r.index), value: Float32Array.of(r.faulty) });
      if (one.some((v, k) => Math.abs(v - whole[k]!) > 1e-3 * Math.max(1, Math.abs(whole[k]!)))) apart++;
    }
    await wp.release();
  }
  assert.equal(records.length, plan.sites.layer.length);
  assert.ok(
    blocks > records.length / 2,
    `most faults moved a second weight of their block (${blocks} of ${records.length})`,
  );
  assert.ok(apart > 0, 'some faults score apart from a flip of their one weight');
});
