/**
 * CIFAR ResNet-20 (He et al. 2016 §4.2, option-A shortcuts: subsample + zero channel padding) in training mode, built
 * with GraphBuilder for the training-step benchmark; bench/train_step_torch.py builds the same network in PyTorch.
 */
import { GraphBuilder } from '../src/onnx/builder.js';
import type { Model } from '../src/onnx/types.js';
import { f32 } from '../src/onnx/tensor.js';
import { Rng } from '../src/core/rng.js';

/** ResNet-20 (or -32, -56 by `depth`) for 3×32×32 inputs and `classes` outputs; BN in training mode. */
export function resnetCifar(depth = 20, classes = 10, seed = 0): Model {
  const b = new GraphBuilder(`resnet${depth}-train`);
  const rng = new Rng(seed);
  const init = (name: string, dims: number[], std: number, mean = 0) =>
    b.initializer(name, f32(dims, Array.from({ length: dims.reduce((p, d) => p * d, 1) }, () => mean + std * rng.normal())));
  const conv = (x: string, name: string, cin: number, cout: number, stride: number) =>
    b.conv(x, init(`${name}.weight`, [cout, cin, 3, 3], Math.sqrt(2 / (cout * 9))), undefined, { strides: [stride, stride], pads: [1, 1, 1, 1], name });
  const bn = (x: string, name: string, c: number) =>
    b.batchNormalization(x, init(`${name}.weight`, [c], 0, 1), init(`${name}.bias`, [c], 0), init(`${name}.running_mean`, [c], 0),
      init(`${name}.running_var`, [c], 0, 1), { training_mode: 1, momentum: 0.9, name })[0]!;
  let x = b.relu(bn(conv(b.input('input', 'float32', ['N', 3, 32, 32]), 'conv1', 3, 16, 1), 'bn1', 16));
  let c = 16;
  for (let s = 0; s < 3; s++) {
    const planes = 16 << s;
    for (let i = 0; i < (depth - 2) / 6; i++) {
      const p = `layer${s + 1}.${i}`;
      const stride = i === 0 && s > 0 ? 2 : 1;
      const y = bn(conv(b.relu(bn(conv(x, `${p}.conv1`, c, planes, stride), `${p}.bn1`, planes)), `${p}.conv2`, planes, planes, 1), `${p}.bn2`, planes);
      let short = x;
      if (stride !== 1) {
        const h = b.shape(x)[2] as number;
        const sub = b.slice(x, [0, 0], [h, h], [2, 3], [2, 2]);
        short = b.node('Pad', [sub, b.ints([0, (planes - c) / 2, 0, 0, 0, (planes - c) / 2, 0, 0])])[0]!;
      }
      x = b.relu(b.add(y, short));
      c = planes;
    }
  }
  const feats = b.flatten(b.globalAveragePool(x));
  b.output(b.gemm(feats, init('fc.weight', [classes, 64], 1 / 8), init('fc.bias', [classes], 1 / 8), { transB: 1, name: 'fc' }), 'logits');
  return b.finishModel();
}
