import type { Net } from './nn.js';
import type { BackboneBuilder } from './spec.js';
import { torchDefault } from './init.js';
import { convBn, residual } from './resnet.js';

/**
 * Option-A shortcut of He et al. (2016) §4.2: identity, subsampled by taking every other pixel and zero-padded in
 * channels (planes/4 each side). It adds no parameters — which is why ResNet-20 has 269,722 — and no injectable
 * layer, so fault campaigns see the same layer list as the paper's CIFAR models.
 */
function shortcutA(net: Net, x: string, p: string, out: number, stride: number): string {
  const [, c, h, w] = net.b.shape(x) as number[];
  const sub =
    stride === 1 ? x : net.b.slice(x, [0, 0], [h!, w!], [2, 3], [stride, stride], { name: `${p}.shortcut.subsample` });
  const extra = (out - c!) / 2;
  return net.b.pad(sub, [0, extra, 0, 0, 0, extra, 0, 0], { name: `${p}.shortcut` });
}

/**
 * CIFAR ResNet-`depth` (He et al. 2016 §4.2; module names as torchvision's ResNet): 3×3 stem with 16 channels,
 * three stages of (depth−2)/6 BasicBlocks at 16/32/64 channels, global average pool, final `fc`. Convolutions use
 * torchvision's ResNet init (kaiming normal, fan_out).
 */
export function cifarResnet(depth: number): BackboneBuilder {
  const n = (depth - 2) / 6;
  return (net, input) => {
    let x = net.relu(net.batchNorm2d(net.conv2d(input, 'conv1', { out: 16, kernel: 3, pad: 1 }), 'bn1'), 'relu');
    for (let s = 0; s < 3; s++) {
      for (let i = 0; i < n; i++) {
        const p = `layer${s + 1}.${i}`;
        const planes = 16 << s;
        const stride = i === 0 && s > 0 ? 2 : 1;
        const y = convBn(net, convBn(net, x, p, 1, planes, 3, stride, true), p, 2, planes, 3, 1, false);
        const shortcut = stride !== 1 || net.channels(x) !== planes ? shortcutA(net, x, p, planes, stride) : x;
        x = residual(net, p, y, shortcut);
      }
    }
    const features = net.flatten(net.b.globalAveragePool(x, { name: 'avgpool' }), 'flatten');
    return { features, final: { name: 'fc', weightInit: torchDefault(64), biasInit: torchDefault(64) } };
  };
}
