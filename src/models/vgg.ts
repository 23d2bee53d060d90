import type { BackboneBuilder } from './spec.js';
import { type Init, zerosInit } from './init.js';

/** torchvision's VGG configurations: output channels of each 3×3 conv, 'M' for a 2×2 max pool. */
const cfgs: Record<11 | 16 | 19, (number | 'M')[]> = {
  11: [64, 'M', 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'],
  16: [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'M', 512, 512, 512, 'M', 512, 512, 512, 'M'],
  19: [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 256, 'M', 512, 512, 512, 512, 'M', 512, 512, 512, 512, 'M'],
};

/** VGG's Linear init: normal(0, 0.01), bias 0. */
const linearInit: Init = { kind: 'normal', std: 0.01 };

/**
 * VGG-`depth` with batch norm (torchvision `vggNN_bn`): `features.i` = conv(bias)/BN/ReLU triples and max pools,
 * `avgpool` to 7×7 (see Net.adaptiveAvgPool2d for small inputs), `classifier.0…5`; the final Linear is `classifier.6`.
 */
export function vggBn(depth: keyof typeof cfgs): BackboneBuilder {
  return (net, input) => {
    let x = input;
    let i = 0;
    for (const v of cfgs[depth]) {
      if (v === 'M') {
        x = net.maxPool2d(x, `features.${i++}`, 2, 2);
        continue;
      }
      x = net.conv2d(x, `features.${i}`, { out: v, kernel: 3, pad: 1, bias: true });
      x = net.relu(net.batchNorm2d(x, `features.${i + 1}`), `features.${i + 2}`);
      i += 3;
    }
    x = net.flatten(net.adaptiveAvgPool2d(x, 'avgpool', 7), 'flatten');
    x = net.dropout(
      net.relu(net.linear(x, 'classifier.0', 4096, linearInit, zerosInit), 'classifier.1'),
      'classifier.2',
      0.5,
    );
    x = net.dropout(
      net.relu(net.linear(x, 'classifier.3', 4096, linearInit, zerosInit), 'classifier.4'),
      'classifier.5',
      0.5,
    );
    return { features: x, final: { name: 'classifier.6', weightInit: linearInit, biasInit: zerosInit } };
  };
}
