import type { Model, TensorData } from '../../onnx/types.js';
import { Rng } from '../../core/rng.js';
import { progress } from '../../core/progress.js';
import { check } from '../../core/errors.js';
import { defaultConfidence } from '../../stats/confidence.js';
import { openCam, resizeBilinear, type CamResult } from './ablation-cam.js';
import { camLayer, type CamLayer } from './cam-layer.js';
import { pearson, similarityStats } from './cam-similarity.js';
import { imageRgb, overlayPng } from './cam-png.js';
import { flipRule, screenFlips } from './flip-screen.js';
import { allBits, applyWeightFlips, planWeightFlips } from './weight-flips.js';
import type { CamSettings, CamPanel, CamImage, FlipCounts, CamFigure } from '../../run-folder/analysis.js';

export type {
  CamSettings,
  CamPanel,
  CamImage,
  CamSimilarity,
  FlipCounts,
  CamFigure,
} from '../../run-folder/analysis.js';

/** An image to explain: its dataset index, label, and the tensor the models take ([1, C, H, W], normalised). */
export interface CamInput {
  index: number;
  label: number;
  tensor: TensorData;
}

/**
 * The paper's setting: 2000 flips; 50 images for the similarity. Bound 2^16 admits an upward flip of any exponent bit
 * up to 27 (×2 … ×65,536) even of a tensor's largest weight, and drops upward flips of bits 28–30 (×2^32, ×2^64,
 * ×2^128) of all but its tiniest weights: such a weight outweighs its whole layer by ~10 orders of magnitude, and the
 * network either overflows or its maps overflow float32 — no map to compare either way.
 */
export const defaultCamSettings: CamSettings = { flips: 2000, seed: 0, bits: [...allBits], measure: 50, bound: 65536 };

/** Bootstrap resamples of the similarity intervals: enough that each 0.5% tail rests on 50 draws. */
const camResamples = 10_000;

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

type Key = 'baseline' | 'textGuided';

/**
 * Ablation-CAM of both models before and after the same weight bit flips (paper §7.2, Fig. 2), at a block output
 * (`camLayer`). `images` are measured (up to `measure`); the first `show` are drawn. Every map explains the image's
 * true label, so a shift in a map is a shift in the evidence for the same class.
 */
export async function camFigure(
  baseline: Model,
  textGuided: Model,
  images: readonly CamInput[],
  settings: Partial<CamSettings> & { show?: number } = {},
): Promise<CamFigure> {
  const { show = 3, ...rest } = settings;
  const s: CamSettings = { ...defaultCamSettings, ...rest };
  const measured = images.slice(0, Math.max(s.measure, 0));
  check(measured.length > 0, 'bad_argument', () => `Ablation-CAM: no images to measure (measure ${s.measure})`);
  const clean: Record<Key, Model> = { baseline, textGuided };
  const layer: Record<Key, CamLayer> = { baseline: camLayer(baseline), textGuided: camLayer(textGuided) };
  const plans = planWeightFlips([baseline, textGuided], s.flips, new Rng(s.seed), s.bits);
  const tensors = measured.map((m) => m.tensor);
  const bar = progress({
    label: 'Ablation-CAM',
    total: measured.length * (s.bound === 1 ? 4 : 6),
    unit: 'maps',
    plain: true,
    everySeconds: 30,
  });
  const maps = async (model: Model, key: Key) => {
    const runner = await openCam(model, layer[key].tensor, tensors[0]!.dims.slice(1));
    try {
      const r = await runner.explain(
        tensors,
        measured.map((m) => m.label),
      );
      bar.tick(measured.length);
      return r;
    } finally {
      await runner.release();
    }
  };
  const before: Record<Key, CamResult[]> = {
    baseline: await maps(clean.baseline, 'baseline'),
    textGuided: await maps(clean.textGuided, 'textGuided'),
  };
  const afterFlips = async (bound: number) => {
    const screen = await screenFlips([baseline, textGuided], plans, tensors, bound);
    const after: Record<Key, CamResult[]> = {
      baseline: await maps(applyWeightFlips(baseline, screen.kept[0]!), 'baseline'),
      textGuided: await maps(applyWeightFlips(textGuided, screen.kept[1]!), 'textGuided'),
    };
    const sim = (key: Key) =>
      measured.map((_, i) => {
        const [b, a] = [before[key][i]!, after[key][i]!];
        return b.nonFinite || a.nonFinite ? null : pearson(b.heat, a.heat);
      });
    const similarity = { baseline: sim('baseline'), textGuided: sim('textGuided') };
    const flipScreen: FlipCounts = {
      bound,
      drawn: screen.drawn,
      kept: screen.kept[0]!.length,
      droppedByRange: screen.droppedByRange,
      droppedByOutput: screen.droppedByOutput,
      rule: flipRule(bound),
    };
    const stats = similarityStats(similarity.baseline, similarity.textGuided, new Rng(`cam-bootstrap:${s.seed}`), {
      resamples: camResamples,
      confidence: defaultConfidence,
    });
    return { after, similarity, flipScreen, stats };
  };
  const main = await afterFlips(s.bound);
  const alt = s.bound === 1 ? null : await afterFlips(1);
  bar.done();
  const results: Record<Key, [CamResult[], CamResult[]]> = {
    baseline: [before.baseline, main.after.baseline],
    textGuided: [before.textGuided, main.after.textGuided],
  };
  const similarity = main.similarity;
  const drawn: CamImage[] = measured.slice(0, Math.max(0, show)).map((img, i) => {
    const rgb = imageRgb(img.tensor);
    // Small images (28×28, 32×32) are drawn in blocks so the maps are readable at a glance.
    const scale = Math.max(1, Math.round(128 / Math.max(rgb.height, rgb.width)));
    return {
      index: img.index,
      label: img.label,
      imagePng: Buffer.from(overlayPng(rgb.rgb, rgb.height, rgb.width, undefined, { scale })).toString('base64'),
      panels: (['baseline', 'textGuided'] as const).flatMap((key) => [
        panel(key, false, results[key][0][i]!, rgb, scale),
        panel(key, true, results[key][1][i]!, rgb, scale),
      ]),
      similarity: { baseline: similarity.baseline[i]!, textGuided: similarity.textGuided[i]! },
    };
  });
  return {
    ...s,
    layers: { baseline: layer.baseline.tensor, textGuided: layer.textGuided.tensor },
    layerRule: { baseline: layer.baseline.rule, textGuided: layer.textGuided.rule },
    flipScreen: main.flipScreen,
    images: drawn,
    similarity: {
      measure: 'Pearson correlation of the map before and after the flips, both upsampled to the image',
      interval: `paired percentile bootstrap over images, ${camResamples} resamples, seed ${s.seed}`,
      confidence: defaultConfidence,
      resamples: camResamples,
      images: measured.map((m) => m.index),
      ...similarity,
      stats: main.stats,
    },
    withinRange: alt && { flipScreen: alt.flipScreen, stats: alt.stats },
  };
}
