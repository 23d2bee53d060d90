import type { Model } from '../../src/onnx/types.js';
import { GraphBuilder } from '../../src/onnx/builder.js';
import { Rng } from '../../src/core/rng.js';
import { Net } from '../../src/models/nn.js';
import { heads } from '../../src/models/heads.js';
import { type ModelSpec, metaKeys, resolveSpec } from '../../src/models/spec.js';
import { type SwinV2Size, swinV2 } from '../../src/models/swin-v2.js';

/** The reduced config scripts/fixtures/swin_v2.py builds in torchvision (embed 8, depths [2, 2, 2], window 4). */
export const fixtureSize: SwinV2Size = { embedDim: 8, depths: [2, 2, 2], heads: [1, 2, 2], window: 4 };

/**
 * A Swin-V2 of a size the registry does not list, built as buildModel builds registered backbones (same graph
 * input/output names and metadata), so tests can train and inject a small one.
 */
export function buildSwinV2(size: SwinV2Size, spec: Omit<ModelSpec, 'backbone'>): Model {
  const s = resolveSpec({ ...spec, backbone: 'swin-v2-t' });
  const b = new GraphBuilder(`swin-v2-small-${s.head}`);
  const net = new Net(b, {
    training: s.mode === 'train',
    rng: new Rng(s.seed),
    label: s.backbone,
    inputShape: s.inputShape,
  });
  const input = b.input('input', 'float32', ['N', ...s.inputShape]);
  const f = swinV2(size)(net, input, s);
  const out = heads[s.head as 'linear' | 'text-guided'](net, f.features, f.final, s);
  b.output(out.logits, 'logits');
  return b.finishModel({
    [metaKeys.backbone]: s.backbone,
    [metaKeys.head]: s.head,
    [metaKeys.numClasses]: String(s.numClasses),
    [metaKeys.inputShape]: JSON.stringify(s.inputShape),
    [metaKeys.lastLayers]: JSON.stringify(out.lastLayers),
    ...(s.head === 'text-guided' ? { [metaKeys.embedDim]: String(s.embedDim) } : {}),
    [metaKeys.mode]: s.mode,
    [metaKeys.seed]: String(s.seed),
  });
}
