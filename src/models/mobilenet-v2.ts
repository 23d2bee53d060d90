import type { Net } from './nn.js';
import type { BackboneBuilder } from './spec.js';
import { type Init, zerosInit } from './init.js';

/** torchvision's inverted-residual settings: expansion t, output channels c, repeats n, first stride s. */
const settings: [number, number, number, number][] = [
  [1, 16, 1, 1],
  [6, 24, 2, 2],
  [6, 32, 3, 2],
  [6, 64, 4, 2],
  [6, 96, 3, 1],
  [6, 160, 3, 2],
  [6, 320, 1, 1],
];

/** Conv2dNormActivation: `${p}.0` conv (no bias), `${p}.1` BN, `${p}.2` ReLU6. */
function convBnRelu6(
  net: Net,
  x: string,
  p: string,
  out: number,
  kernel: number,
  stride: number,
  groups: number,
): string {
  const y = net.conv2d(x, `${p}.0`, { out, kernel, stride, pad: (kernel - 1) >> 1, groups });
  return net.relu6(net.batchNorm2d(y, `${p}.1`), `${p}.2`);
}

/** InvertedResidual: 1×1 expand (unless t = 1), 3×3 depthwise, 1×1 linear projection; residual when shapes allow. */
function invertedResidual(net: Net, x: string, p: string, out: number, stride: number, t: number): string {
  const inp = net.channels(x);
  const hidden = Math.round(inp * t);
  let y = x;
  let k = 0;
  if (t !== 1) y = convBnRelu6(net, y, `${p}.conv.${k++}`, hidden, 1, 1, 1);
  y = convBnRelu6(net, y, `${p}.conv.${k++}`, hidden, 3, stride, hidden);
  y = net.batchNorm2d(net.conv2d(y, `${p}.conv.${k}`, { out, kernel: 1 }), `${p}.conv.${k + 1}`);
  return stride === 1 && inp === out ? net.b.add(x, y, { name: `${p}.add` }) : y;
}

/** MobileNetV2's Linear init: normal(0, 0.01), bias 0. */
const linearInit: Init = { kind: 'normal', std: 0.01 };

/**
 * MobileNetV2 (torchvision, width 1.0): `features.0…18`, global average pool, `classifier.0` dropout; final
 * `classifier.1`.
 */
export const mobilenetV2: BackboneBuilder = (net, input) => {
  let x = convBnRelu6(net, input, 'features.0', 32, 3, 2, 1);
  let idx = 1;
  for (const [t, c, n, s] of settings) {
    for (let i = 0; i < n; i++) x = invertedResidual(net, x, `features.${idx++}`, c, i === 0 ? s : 1, t);
  }
  x = convBnRelu6(net, x, `features.${idx}`, 1280, 1, 1, 1);
  x = net.flatten(net.b.globalAveragePool(x, { name: 'avgpool' }), 'flatten');
  const features = net.dropout(x, 'classifier.0', 0.2);
  return { features, final: { name: 'classifier.1', weightInit: linearInit, biasInit: zerosInit } };
};
