import type { Model, TensorData } from '../../onnx/types.js';
import { Rng } from '../../core/rng.js';
import { progress } from '../../core/progress.js';
import { ablationCam, resizeBilinear, type CamResult } from './ablation-cam.js';
import { imageRgb, overlayPng } from './cam-png.js';
import { allBits, applyWeightFlips, planWeightFlips } from './weight-flips.js';

/** An image to explain: its dataset index, label, and the tensor the models take ([1, C, H, W], normalised). */
export interface CamInput {
  index: number;
  label: number;
  tensor: TensorData;
}

/** How the paper's Fig. 2 is made: how many weight flips, in which bits, from which seed. */
export interface CamSettings {
  /** Weight bit flips across each network (paper: 2000). */
  flips: number;
  seed: number;
  /** fp32 bit positions flips are drawn from (default all 32). */
  bits: number[];
}

/** One heat map of the figure. */
export interface CamPanel {
  model: 'baseline' | 'textGuided';
  faulty: boolean;
  predicted: number;
  score: number;
  nonFinite: boolean;
  /** Channels with the largest weights, strongest first (at most 5). */
  topChannels: { channel: number; weight: number }[];
  /** The overlay as a base64 PNG. */
  png: string;
}

/** One image of the figure: the image itself and four panels (two models × before/after). */
export interface CamImage {
  index: number;
  label: number;
  imagePng: string;
  panels: CamPanel[];
  /** Cosine similarity of each model's map before and after the flips (1 = focus kept); null if a map is empty. */
  similarity: { baseline: number | null; textGuided: number | null };
}

/** Fig. 2 as data. */
export interface CamFigure extends CamSettings {
  /** The conv layer ablated in each model. */
  layers: { baseline: string; textGuided: string };
  images: CamImage[];
  /** Mean similarity over images where it is defined. */
  meanSimilarity: { baseline: number | null; textGuided: number | null };
}

/** The paper's setting: 2000 flips. */
export const defaultCamSettings: CamSettings = { flips: 2000, seed: 0, bits: [...allBits] };

function cosine(a: Float32Array, b: Float32Array): number | null {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) ((ab += a[i]! * b[i]!), (aa += a[i]! * a[i]!), (bb += b[i]! * b[i]!));
  return aa > 0 && bb > 0 ? ab / Math.sqrt(aa * bb) : null;
}

function mean(xs: (number | null)[]): number | null {
  const ok = xs.filter((x): x is number => x !== null);
  return ok.length ? ok.reduce((s, x) => s + x, 0) / ok.length : null;
}

function panel(
  model: CamPanel['model'],
  faulty: boolean,
  r: CamResult,
  rgb: ReturnType<typeof imageRgb>,
  scale: number,
): CamPanel {
  const top = r.weights
    .map((weight, channel) => ({ channel, weight }))
    .sort((x, y) => y.weight - x.weight)
    .slice(0, 5);
  // The map is resampled straight to the drawn size, so it reads smooth over the enlarged image.
  const [h, w] = r.camSize;
  const heat = resizeBilinear(r.cam, h, w, rgb.height * scale, rgb.width * scale);
  const max = heat.reduce((m, v) => Math.max(m, v), 0);
  if (max > 0) for (let i = 0; i < heat.length; i++) heat[i] = heat[i]! / max;
  const png = overlayPng(rgb.rgb, rgb.height, rgb.width, heat, { scale });
  return {
    model,
    faulty,
    predicted: r.predicted,
    score: r.score,
    nonFinite: r.nonFinite,
    topChannels: top,
    png: Buffer.from(png).toString('base64'),
  };
}

/**
 * Ablation-CAM of both models on each image, before and after the same weight bit flips (paper §7.2, Fig. 2). Every
 * map explains the image's true label, so a shift in a map is a shift in the evidence for the same class.
 */
export async function camFigure(
  baseline: Model,
  textGuided: Model,
  images: readonly CamInput[],
  settings: Partial<CamSettings> = {},
): Promise<CamFigure> {
  const s: CamSettings = { ...defaultCamSettings, ...settings };
  const [flipsB, flipsT] = planWeightFlips([baseline, textGuided], s.flips, new Rng(s.seed), s.bits);
  const models = {
    baseline: [baseline, applyWeightFlips(baseline, flipsB!)] as const,
    textGuided: [textGuided, applyWeightFlips(textGuided, flipsT!)] as const,
  };
  const bar = progress({
    label: 'Ablation-CAM',
    total: images.length * 4,
    unit: 'maps',
    plain: true,
    everySeconds: 30,
  });
  const out: CamImage[] = [];
  const layers = { baseline: '', textGuided: '' };
  for (const img of images) {
    const rgb = imageRgb(img.tensor);
    // Small images (28×28, 32×32) are drawn in blocks so the maps are readable at a glance.
    const scale = Math.max(1, Math.round(128 / Math.max(rgb.height, rgb.width)));
    const panels: CamPanel[] = [];
    const similarity = { baseline: null as number | null, textGuided: null as number | null };
    for (const key of ['baseline', 'textGuided'] as const) {
      const [clean, faulty] = models[key];
      const before = await ablationCam(clean, img.tensor, { classIndex: img.label });
      const after = await ablationCam(faulty, img.tensor, { classIndex: img.label, layer: before.layer });
      layers[key] = before.layer;
      bar.tick(2);
      panels.push(panel(key, false, before, rgb, scale), panel(key, true, after, rgb, scale));
      similarity[key] = before.nonFinite || after.nonFinite ? null : cosine(before.heat, after.heat);
    }
    out.push({
      index: img.index,
      label: img.label,
      imagePng: Buffer.from(overlayPng(rgb.rgb, rgb.height, rgb.width, undefined, { scale })).toString('base64'),
      panels,
      similarity,
    });
  }
  bar.done();
  return {
    ...s,
    layers,
    images: out,
    meanSimilarity: {
      baseline: mean(out.map((i) => i.similarity.baseline)),
      textGuided: mean(out.map((i) => i.similarity.textGuided)),
    },
  };
}
