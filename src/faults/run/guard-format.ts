import { TgrError, invariant } from '../../core/errors.js';
import { cut } from '../../onnx/cut.js';
import type { Graph } from '../../onnx/types.js';
import { bfpExponent } from '../formats/bfp.js';
import type { Grid, NumberFormat } from '../formats/format.js';
import { numberFormat } from '../formats/registry.js';
import type { Classifier } from '../model/classifier.js';
import { analyticForm, type Analytic } from './analytic.js';
import { blockOf, heldLayer, type HeldLayer } from './held.js';

/** A text-guided head: its latent layer and the analytic form of what follows it. */
export interface TextGuidedHead {
  layer: string;
  form: Extract<Analytic, { kind: 'normalized' }>;
}

/** The last of `layers` (outputs of graph `g`) whose suffix has the text-guided form. */
export function headIn(
  g: Graph,
  layers: readonly { name: string; tensor: string; shape: number[] }[],
  classes: number,
): TextGuidedHead | undefined {
  for (const l of [...layers].reverse()) {
    if (l.shape.length !== 1) continue;
    const form = analyticForm(cut(g, l.tensor).suffix, l.tensor, l.shape, classes);
    if (form?.kind === 'normalized') return { layer: l.name, form };
  }
  return undefined;
}

/**
 * How far a format's rounding can take a projection output bounded by b_c (per class, in reals): every grid's
 * rounding is monotone in |x|, so on an elementwise grid |Q(y)| ≤ |Q(b)| for |y| ≤ b, computed by the codec with the
 * class's stored context (a Q(b) past the format's range means no finite value reaches b: b stands). A BFP block
 * rounds to its step 2^(E − M + 1), E at most the exponent of its classes' largest bound: |Q(y)| ≤ |y| + step / 2.
 */
const widenings: {
  [K in Grid['kind']]: (grid: Extract<Grid, { kind: K }>, fmt: NumberFormat, held: HeldLayer) => Widen;
} = {
  exact: () => (b) => [...b],
  cast: (_, fmt, held) => elementwise(fmt, held),
  minifloat: (_, fmt, held) => elementwise(fmt, held),
  integer: (_, fmt, held) => elementwise(fmt, held),
  blocks: (grid, _fmt, _held) => (b) =>
    b.map((bc, c) => {
      const block = blockOf(b.length, 1, grid.block, c);
      return bc + 2 ** (bfpExponent(Math.max(...block.map((j) => b[j]!))) - grid.mantissa);
    }),
};

type Widen = (bounds: readonly number[]) => number[];

function elementwise(fmt: NumberFormat, held: HeldLayer): Widen {
  const none = new Float32Array(0); // elementwise grids read no golden row
  return (b) =>
    b.map((bc, c) => {
      const q = Math.abs(held.hold(bc, none, c));
      return Number.isFinite(q) ? q : bc;
    });
}

/**
 * The text-guided head of a network emulated in a format (`tgr emulate`), read with the quantizers taken out, and how
 * the projection's rounding widens the analytic bound. The only value rounded between the normalised latent and the
 * scores is then the projection's output (the latent's own rounding happens before the normalisation, which bounds
 * any latent): a head with another layer after the latent is refused. Undefined for an fp32 network.
 */
export function emulatedHead(clf: Classifier): { head: TextGuidedHead; widen: Widen } | undefined {
  if (!clf.emulated) return undefined;
  const fmt = numberFormat(clf.emulated);
  if (fmt.grid.kind === 'exact') return undefined;
  const g = withoutQuantizers(clf.model.graph);
  const strip = (t: string) => t.replace(/\.fp32$/, '');
  const layers = clf.layers.map((l) => ({ ...l, tensor: strip(l.tensor) }));
  const head = headIn(g, layers, clf.output.classes);
  if (!head) return undefined;
  const latent = layers.find((l) => l.name === head.layer)!;
  const after = new Set(cut(g, latent.tensor).suffix.nodes.flatMap((n) => n.outputs));
  const rounded = clf.layers.filter((l, i) => after.has(layers[i]!.tensor));
  if (rounded.length !== 1)
    throw new TgrError(
      'bad_argument',
      `--guard analytic: ${clf.file} is emulated in ${fmt.name} and its head rounds ${rounded.length} layers after '${head.layer}' (${rounded.map((l) => l.name).join(', ')}); the bound covers the projection's rounding only — use --guard profiled`,
    );
  const held = heldLayer(clf.model, rounded[0]!, fmt);
  invariant(held !== undefined, `${rounded[0]!.name} of a network emulated in ${fmt.name} has its quantizer`);
  const widen = (widenings[fmt.grid.kind] as (g: Grid, f: NumberFormat, h: HeldLayer) => Widen)(fmt.grid, fmt, held);
  return { head, widen };
}

/** The graph with every quantizer of the emulation taken out: each layer writes its own tensor `T` again. */
function withoutQuantizers(g: Graph): Graph {
  const held = new Set(g.nodes.filter((n) => n.name.endsWith('.emulate_back')).map((n) => n.outputs[0]!));
  const quantizer = (name: string) => {
    const at = name.indexOf('.emulate_');
    return at > 0 && held.has(name.slice(0, at));
  };
  const back = (t: string) => (t.endsWith('.fp32') && held.has(t.slice(0, -5)) ? t.slice(0, -5) : t);
  return {
    ...g,
    nodes: g.nodes.filter((n) => !quantizer(n.name)).map((n) => ({ ...n, outputs: n.outputs.map(back) })),
  };
}
