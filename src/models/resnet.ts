import type { Net } from './nn.js';
import type { BackboneBuilder } from './spec.js';
import { torchDefault } from './init.js';

type Block = 'basic' | 'bottleneck';

/** torchvision's ImageNet ResNets: block kind and blocks per stage. */
const layouts: Record<number, [Block, number[]]> = {
  18: ['basic', [2, 2, 2, 2]],
  34: ['basic', [3, 4, 6, 3]],
  50: ['bottleneck', [3, 4, 6, 3]],
  101: ['bottleneck', [3, 4, 23, 3]],
  152: ['bottleneck', [3, 8, 36, 3]],
};

/** conv → BN (→ ReLU), the unit every ResNet block repeats; names follow the block's `convK`/`bnK`. */
export function convBn(
  net: Net,
  x: string,
  p: string,
  k: number,
  out: number,
  kernel: number,
  stride: number,
  relu: boolean,
): string {
  const y = net.batchNorm2d(
    net.conv2d(x, `${p}.conv${k}`, { out, kernel, stride, pad: (kernel - 1) >> 1 }),
    `${p}.bn${k}`,
  );
  return relu ? net.relu(y, `${p}.relu`) : y;
}

/** The residual sum and its ReLU, shared by every ResNet block. */
export function residual(net: Net, p: string, y: string, shortcut: string): string {
  return net.relu(net.b.add(y, shortcut, { name: `${p}.add` }), `${p}.relu`);
}

/**
 * torchvision BasicBlock (two 3×3 convs) or Bottleneck (1×1, 3×3 with the stride — "v1.5", 1×1 ×4), with `downsample`.
 */
function block(net: Net, x: string, p: string, kind: Block, planes: number, stride: number): string {
  const out = kind === 'basic' ? planes : planes * 4;
  let y: string;
  if (kind === 'basic') {
    y = convBn(net, convBn(net, x, p, 1, planes, 3, stride, true), p, 2, planes, 3, 1, false);
  } else {
    const a = convBn(net, x, p, 1, planes, 1, 1, true);
    y = convBn(net, convBn(net, a, p, 2, planes, 3, stride, true), p, 3, out, 1, 1, false);
  }
  let shortcut = x;
  if (stride !== 1 || net.channels(x) !== out) {
    shortcut = net.batchNorm2d(net.conv2d(x, `${p}.downsample.0`, { out, kernel: 1, stride }), `${p}.downsample.1`);
  }
  return residual(net, p, y, shortcut);
}

/** ImageNet-layout ResNet-`depth` (torchvision): 7×7/2 stem, max pool, four stages, global average pool; final `fc`. */
export function resnet(depth: keyof typeof layouts): BackboneBuilder {
  const [kind, counts] = layouts[depth]!;
  return (net, input) => {
    let x = net.relu(
      net.batchNorm2d(net.conv2d(input, 'conv1', { out: 64, kernel: 7, stride: 2, pad: 3 }), 'bn1'),
      'relu',
    );
    x = net.maxPool2d(x, 'maxpool', 3, 2, 1);
    counts.forEach((n, s) => {
      for (let i = 0; i < n; i++) x = block(net, x, `layer${s + 1}.${i}`, kind, 64 << s, i === 0 && s > 0 ? 2 : 1);
    });
    const features = net.flatten(net.b.globalAveragePool(x, { name: 'avgpool' }), 'flatten');
    const F = net.channels(features);
    return { features, final: { name: 'fc', weightInit: torchDefault(F), biasInit: torchDefault(F) } };
  };
}
