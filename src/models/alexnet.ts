import type { BackboneBuilder } from './spec.js';
import { fans, torchDefault } from './init.js';

/** [out channels, kernel, stride, padding, max pool after] of AlexNet's five convolutions (torchvision). */
const convs: [number, number, number, number, boolean][] = [
  [64, 11, 4, 2, true],
  [192, 5, 1, 2, true],
  [384, 3, 1, 1, false],
  [256, 3, 1, 1, false],
  [256, 3, 1, 1, true],
];

/**
 * AlexNet as torchvision builds it (`features.0…12`, `avgpool` to 6×6, `classifier.0…5`; final Linear
 * `classifier.6`), with PyTorch's default init everywhere. Needs inputs of at least 63×63 (its pools would
 * otherwise shrink the map to nothing).
 */
export const alexnet: BackboneBuilder = (net, input) => {
  let x = input;
  let i = 0;
  for (const [out, kernel, stride, pad, pool] of convs) {
    const fanIn = fans([out, net.channels(x), kernel, kernel]).fanIn;
    x = net.conv2d(x, `features.${i}`, {
      out,
      kernel,
      stride,
      pad,
      bias: true,
      weightInit: () => torchDefault(fanIn),
      biasInit: torchDefault(fanIn),
    });
    x = net.relu(x, `features.${i + 1}`);
    i += 2;
    if (pool) x = net.maxPool2d(x, `features.${i++}`, 3, 2);
  }
  x = net.flatten(net.adaptiveAvgPool2d(x, 'avgpool', 6), 'flatten');
  const F0 = net.channels(x);
  x = net.relu(
    net.linear(net.dropout(x, 'classifier.0', 0.5), 'classifier.1', 4096, torchDefault(F0), torchDefault(F0)),
    'classifier.2',
  );
  x = net.relu(
    net.linear(net.dropout(x, 'classifier.3', 0.5), 'classifier.4', 4096, torchDefault(4096), torchDefault(4096)),
    'classifier.5',
  );
  return { features: x, final: { name: 'classifier.6', weightInit: torchDefault(4096), biasInit: torchDefault(4096) } };
};
