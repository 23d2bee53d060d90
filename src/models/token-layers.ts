import type { Net } from './nn.js';
import { type Init, onesInit, zerosInit } from './init.js';

/** How a token Linear's weight and (optional) bias are initialised; `bias: null` means nn.Linear(bias=False). */
export interface TokenLinearInit {
  weight: Init;
  bias: Init | null;
}

/**
 * nn.Linear on channels-last tokens [N, …, in]: one MatMul named as the module (the injectable layer a PyTorch user
 * knows) with the PyTorch-layout weight `${name}.weight` [out, in] transposed, then `${name}.bias`. Gemm takes only
 * 2-D inputs, and flattening the leading axes would lose the symbolic batch in shape inference.
 */
export function tokenLinear(net: Net, x: string, name: string, out: number, init: TokenLinearInit): string {
  const y = tokenMatMul(net, x, name, out, init.weight);
  return init.bias ? net.b.add(y, net.param(`${name}.bias`, [out], init.bias), { name: `${name}.add_bias` }) : y;
}

/** The MatMul half of tokenLinear, for callers that treat the bias themselves (Swin-V2 zeroes its key bias). */
export function tokenMatMul(net: Net, x: string, name: string, out: number, weightInit: Init): string {
  const inDim = net.b.shape(x).at(-1) as number;
  const w = net.param(`${name}.weight`, [out, inDim], weightInit);
  return net.b.matMul(x, net.b.transpose(w, [1, 0], { name: `${name}.weight_t` }), { name });
}

/** nn.LayerNorm over the last axis (`${name}.weight` ones, `${name}.bias` zeros) with the family's ε. */
export function layerNormLast(net: Net, x: string, name: string, eps: number): string {
  const d = net.b.shape(x).at(-1) as number;
  return net.b.layerNormalization(
    x,
    net.param(`${name}.weight`, [d], onesInit),
    net.param(`${name}.bias`, [d], zerosInit),
    { name, epsilon: eps },
  );
}

/**
 * torchvision.ops.MLP(in, [hidden, in], GELU) with dropout 0: modules `${p}.0` (Linear), `${p}.1` (GELU), `${p}.3`
 * (Linear); the dropouts `${p}.2`/`${p}.4` are identities and emit nothing.
 */
export function geluMlp(net: Net, x: string, p: string, hidden: number, init: (dims: number[]) => TokenLinearInit) {
  const dim = net.b.shape(x).at(-1) as number;
  const h = net.b.gelu(tokenLinear(net, x, `${p}.0`, hidden, init([hidden, dim])), { name: `${p}.1` });
  return tokenLinear(net, h, `${p}.3`, dim, init([dim, hidden]));
}
