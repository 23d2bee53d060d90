import { numel } from '../../onnx/tensor.js';
import type { Classifier } from '../model/classifier.js';
import { numberFormat } from '../formats/registry.js';
import { heldLayer } from './held.js';
import { LayerInjector } from './injector.js';
import { unitTensors } from './unit-cache.js';

/**
 * Most values per image one layer's kept tensors (the scores, its output, what its suffix carries, its input) may
 * hold together: past it the layer's units run their forward pass, so a huge model's last layers cannot make the
 * activations file gigabytes.
 */
export const keptLimit = 4096;

/** A tensor the golden pass keeps in golden-activations.bin, with its values per image. */
export interface KeptTensor {
  name: string;
  size: number;
}

/**
 * The tensors the golden pass keeps: for every layer whose faults the runner scores without a network (an analytic
 * suffix: the head shortcuts) and every last layer, all a unit of that layer needs (KeptUnits.covers), when within
 * `keptLimit`. A unit of such layers then runs no network at all; for other layers a kept set would only spare one
 * prefix forward per unit, which their suffix runs dwarf, while every exposed tensor slows the golden pass and every
 * campaign reads the file back (bench/RESULTS.md, "Golden pass"). Scores first, then layer by layer in graph order.
 */
export function keptTensors(clf: Classifier): KeptTensor[] {
  // On a network emulated in its format the runner injects at the layer's stored (held) tensor: keep that one.
  const format = clf.emulated ? numberFormat(clf.emulated) : undefined;
  const names: string[] = [];
  for (const l of clf.layers) {
    if (l.neurons > keptLimit) continue; // over the limit anyway: spare the cut below
    const held = format && heldLayer(clf.model, l, format);
    const injector = new LayerInjector(clf, clf.model, held ? { ...l, tensor: held.tensor } : l);
    if (!injector.analytic && !clf.lastLayers.includes(l.name)) continue;
    const need = [...new Set([clf.output.name, ...unitTensors(injector, 'weights')])].filter(
      (t) => t !== clf.input.name,
    );
    if (need.reduce((s, t) => s + perImageValues(clf, t), 0) <= keptLimit) names.push(...need);
  }
  return [...new Set(names)].map((name) => ({ name, size: perImageValues(clf, name) }));
}

/** Values per image of tensor `name`; Infinity when it has no leading batch axis or a dimension is not fixed. */
export function perImageValues(clf: Pick<Classifier, 'model'>, name: string): number {
  const g = clf.model.graph;
  const v = g.valueInfo.get(name) ?? g.outputs.find((o) => o.name === name);
  const dims = v?.shape.slice(1);
  return v?.shape[0] === 'N' && dims!.every((d) => typeof d === 'number') ? numel(dims as number[]) : Infinity;
}
