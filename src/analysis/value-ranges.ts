import type { LayerProfile } from '../run-folder/golden.js';
import type { Range, RangeRow, ValueRanges } from '../run-folder/analysis.js';

export type { Range, RangeRow, ValueRanges } from '../run-folder/analysis.js';

/** A model's layer profiles plus the names of its last layers, as golden.json holds them. */
export interface ProfiledModel {
  layers: readonly LayerProfile[];
  lastLayers: readonly string[];
}

const range = (p: LayerProfile): Range => ({ maxAbs: p.maxAbs, meanAbs: p.meanAbs });

/**
 * Combines several layers into one as the paper's last-layer comparison does: max of maxima (a range detector must
 * cover both), neuron-weighted mean of means (the mean over all their neurons).
 */
export function combineRanges(layers: readonly LayerProfile[]): Range | null {
  if (layers.length === 0) return null;
  const neurons = layers.reduce((s, l) => s + l.neurons, 0);
  return {
    maxAbs: Math.max(...layers.map((l) => l.maxAbs)),
    meanAbs: layers.reduce((s, l) => s + l.meanAbs * l.neurons, 0) / neurons,
  };
}

/**
 * Aligns two models' layers by name in graph order. The backbones share names, the heads do not; a layer only one
 * model has is placed where it sits in that model's order, so the heads line up at the end as in Fig. 3.
 */
export function valueRanges(baseline: ProfiledModel, textGuided: ProfiledModel): ValueRanges {
  const tgByName = new Map(textGuided.layers.map((l) => [l.name, l]));
  const tgIndex = new Map(textGuided.layers.map((l, i) => [l.name, i]));
  const baseNames = new Set(baseline.layers.map((l) => l.name));
  const lastB = new Set(baseline.lastLayers);
  const lastT = new Set(textGuided.lastLayers);
  const rows: RangeRow[] = [];
  let t = 0;
  const flushTgOnly = (until?: string) => {
    while (t < textGuided.layers.length && textGuided.layers[t]!.name !== until) {
      const l = textGuided.layers[t++]!;
      if (!baseNames.has(l.name))
        rows.push({ layer: l.name, baseline: null, textGuided: range(l), last: lastT.has(l.name) });
    }
  };
  for (const b of baseline.layers) {
    const twin = tgByName.get(b.name);
    // A shared layer that sits earlier in the text-guided order than expected must not swallow the rest.
    if (twin && tgIndex.get(b.name)! >= t) {
      flushTgOnly(b.name);
      t++;
    }
    rows.push({
      layer: b.name,
      baseline: range(b),
      textGuided: twin ? range(twin) : null,
      last: lastB.has(b.name) || lastT.has(b.name),
    });
  }
  flushTgOnly();
  return {
    rows,
    lastLayer: {
      baseline: combineRanges(baseline.layers.filter((l) => lastB.has(l.name))),
      textGuided: combineRanges(textGuided.layers.filter((l) => lastT.has(l.name))),
    },
  };
}
