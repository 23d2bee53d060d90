import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  defaultResize,
  describeFit,
  imageFitter,
  normalizePresets,
  parseCrop,
  parseNormalize,
  type FitSpec,
} from '../../src/data/transform-fit.js';

const ramp = (n: number, div: number) => Float32Array.from({ length: n }, (_, i) => i / div);

function fit(src: readonly [number, number, number], spec: FitSpec, img: Float32Array): number[] {
  const [c, h, w] = spec.shape;
  const out = new Float32Array(c * h * w + 2);
  imageFitter(src, spec)(img, out, 1);
  assert.equal(out[0], 0);
  assert.equal(out[out.length - 1], 0);
  return Array.from(out.subarray(1, out.length - 1));
}

function close(actual: number[], expected: number[]) {
  assert.equal(actual.length, expected.length);
  actual.forEach((v, i) => assert.ok(Math.abs(v - expected[i]!) < 1e-6, `[${i}] ${v} vs ${expected[i]}`));
}

// Expected values are torchvision 0.14's: Compose([Resize(s, antialias=False), CenterCrop(...)]) on the same tensor.
test('upscale 3×4 → Resize(5) = 5×6 → CenterCrop(4,6): torchvision values, top row from round-half-even(0.5) = 0', () => {
  close(
    fit([1, 3, 4], { shape: [1, 4, 6], resize: 5, normalize: null }, ramp(12, 11)),
    [
      0.0, 0.04545454680919647, 0.10606060922145844, 0.1666666716337204, 0.22727274894714355, 0.27272728085517883,
      0.1454545557498932, 0.19090910255908966, 0.2515151798725128, 0.3121212422847748, 0.37272730469703674,
      0.418181836605072, 0.36363640427589417, 0.40909093618392944, 0.4696969985961914, 0.5303030610084534,
      0.5909091234207153, 0.636363685131073, 0.5818182229995728, 0.6272727847099304, 0.6878787875175476,
      0.7484849095344543, 0.8090909719467163, 0.8545454740524292,
    ],
  );
});

test('downscale 6×6 → Resize(3) → CenterCrop(2): torchvision values (antialias off)', () => {
  close(
    fit([1, 6, 6], { shape: [1, 2, 2], resize: 3, normalize: null }, ramp(36, 35)),
    [0.10000000149011612, 0.15714286267757416, 0.44285714626312256, 0.5],
  );
});

test('grey → RGB repeats the plane, then ImageNet normalisation per channel', () => {
  const out = fit(
    [1, 1, 1],
    { shape: [3, 1, 1], resize: 1, normalize: normalizePresets.imagenet! },
    Float32Array.of(0.5),
  );
  close(out, [(0.5 - 0.485) / 0.229, (0.5 - 0.456) / 0.224, (0.5 - 0.406) / 0.225]);
});

test('RGB → grey uses torchvision rgb_to_grayscale weights; MEAN,STD applies to every channel', () => {
  const out = fit(
    [3, 1, 1],
    { shape: [1, 1, 1], resize: 1, normalize: parseNormalize('0.5,0.25') },
    Float32Array.of(1, 0.5, 0),
  );
  close(out, [(0.2989 + 0.587 * 0.5 - 0.5) / 0.25]);
});

test('identity fit copies pixels', () => {
  close(fit([2, 2, 2], { shape: [2, 2, 2], resize: 2, normalize: null }, ramp(8, 8)), Array.from(ramp(8, 8)));
});

test('parseNormalize: presets, scalar and per-channel forms, and the one-line refusal', () => {
  assert.equal(parseNormalize('none'), null);
  assert.deepEqual(parseNormalize('imagenet'), { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] });
  assert.deepEqual(parseNormalize('0.1,0.2,0.3,1,2,3'), { mean: [0.1, 0.2, 0.3], std: [1, 2, 3] });
  for (const bad of ['imagenet2', '0.5', '0.5,0', '1,2,3', 'a,b']) {
    assert.throws(
      () => parseNormalize(bad),
      new RegExp(
        `^TgrError: --normalize expects imagenet \\| none, MEAN,STD or per-channel means then stds \\(std > 0\\); got '${bad}'$`,
      ),
    );
  }
});

test('parseCrop: S or H,W; anything else refused', () => {
  assert.deepEqual(parseCrop('224'), [224, 224]);
  assert.deepEqual(parseCrop('32,64'), [32, 64]);
  for (const bad of ['0', '1,2,3', 'x', '']) {
    assert.throws(() => parseCrop(bad), /--crop expects S or H,W \(whole numbers from 1 to 65536\); got/);
  }
});

test('refusals: a crop larger than the resized image, and channels other than grey ↔ RGB', () => {
  assert.throws(
    () => imageFitter([1, 28, 28], { shape: [1, 64, 64], resize: 32, normalize: null }),
    /--resize 32 makes 32×32 images, smaller than the 64×64 crop; pass --resize ≥ 64/,
  );
  assert.throws(
    () => imageFitter([2, 4, 4], { shape: [3, 4, 4], resize: 4, normalize: null }),
    /images have 2 channels and the model takes 3; only grey ↔ RGB can be fitted/,
  );
});

test('defaultResize and describeFit', () => {
  assert.equal(defaultResize([3, 32, 64]), 64);
  assert.equal(
    describeFit([1, 28, 28], { shape: [3, 64, 64], resize: 64, normalize: null }),
    '[1,28,28] → resize 64 (bilinear, no antialias), centre crop 64×64, 1→3 channels, no normalisation',
  );
});
