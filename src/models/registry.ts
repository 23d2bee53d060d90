import type { Model } from '../onnx/types.js';
import { GraphBuilder } from '../onnx/builder.js';
import { Rng } from '../core/rng.js';
import { lookup } from '../core/errors.js';
import { Net } from './nn.js';
import { heads } from './heads.js';
import { type BackboneBuilder, type ModelSpec, metaKeys, resolveSpec } from './spec.js';
import { alexnet } from './alexnet.js';
import { vggBn } from './vgg.js';
import { resnet } from './resnet.js';
import { cifarResnet } from './cifar-resnet.js';
import { mobilenetV2 } from './mobilenet-v2.js';
import { vit, vitSizes } from './vit.js';
import { swinV2, swinV2Sizes } from './swin-v2.js';
import { focalNet, focalNetSizes } from './focalnet.js';
import { maxVit, maxVitSizes } from './maxvit.js';

/** Every backbone, by the name a ModelSpec and the CLI use. */
export const backbones: Record<string, BackboneBuilder> = {
  alexnet,
  'vgg11-bn': vggBn(11),
  'vgg16-bn': vggBn(16),
  'vgg19-bn': vggBn(19),
  resnet18: resnet(18),
  resnet34: resnet(34),
  resnet50: resnet(50),
  resnet101: resnet(101),
  resnet152: resnet(152),
  resnet20: cifarResnet(20),
  resnet32: cifarResnet(32),
  resnet56: cifarResnet(56),
  'mobilenet-v2': mobilenetV2,
  'vit-tiny': vit(vitSizes.tiny),
  'vit-small': vit(vitSizes.small),
  'swin-v2-t': swinV2(swinV2Sizes.t),
  'swin-v2-s': swinV2(swinV2Sizes.s),
  'focalnet-t': focalNet(focalNetSizes.tSrf),
  'focalnet-s': focalNet(focalNetSizes.sSrf),
  'focalnet-t-lrf': focalNet(focalNetSizes.tLrf),
  'focalnet-s-lrf': focalNet(focalNetSizes.sLrf),
  'maxvit-t': maxVit(maxVitSizes.t),
};

/** How to build, as opposed to what: `shapesOnly` leaves weights zero (for counting; VGG's 138M draws take seconds). */
export interface BuildOptions {
  shapesOnly?: boolean;
}

/**
 * Builds a model: graph input `input` [N, C, H, W] float32, output `logits` [N, numClasses]; in train mode also
 * every BatchNormalization's new running statistics as outputs `${name}.running_mean.next` / `.running_var.next`.
 */
export function buildModel(spec: ModelSpec, opts: BuildOptions = {}): Model {
  const s = resolveSpec(spec);
  const backbone = lookup(backbones, s.backbone, 'backbone');
  const head = lookup(heads, s.head, 'head');
  const b = new GraphBuilder(`${s.backbone}-${s.head}`);
  const net = new Net(b, {
    training: s.mode === 'train',
    rng: opts.shapesOnly ? null : new Rng(s.seed),
    label: s.backbone,
    inputShape: s.inputShape,
  });
  const input = b.input('input', 'float32', ['N', ...s.inputShape]);
  const features = backbone(net, input, s);
  const out = head.build(net, features.features, features.final, s);
  b.output(out.logits, 'logits');
  for (const c of net.carried) b.output(c.tensor, c.name);
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
