import type { GraphBuilder } from '../onnx/builder.js';
import type { TensorData } from '../onnx/types.js';
import type { Rng } from '../core/rng.js';
import { TgrError, invariant } from '../core/errors.js';
import { type Init, initTensor, kaimingNormalFanOut, onesInit, zerosInit } from './init.js';

/** How a convolution is shaped and initialised; defaults are nn.Conv2d's except bias (torchvision mostly omits it). */
export interface Conv2dOpts {
  out: number;
  kernel: number;
  stride?: number;
  pad?: number;
  groups?: number;
  bias?: boolean;
  weightInit?: (dims: number[]) => Init;
  biasInit?: Init;
}

/**
 * torch.nn layers as graph fragments, named by their torchvision module path (`layer1.0.conv1`) with parameters
 * `${module}.weight` etc., so a node name in the graph is the module a PyTorch user knows. One Net builds one model
 * in one mode; parameter values come from a stream forked per parameter name, so they do not depend on build order
 * or mode and trained weights drop into the eval graph by name.
 */
export class Net {
  /**
   * Tensors a train-mode graph exposes as outputs: BN running stats as `${initializer}.next` (autodiff's carry
   * contract).
   */
  readonly carried: { tensor: string; name: string }[] = [];

  constructor(
    readonly b: GraphBuilder,
    readonly opts: { training: boolean; rng: Rng | null; label: string; inputShape: readonly number[] },
  ) {}

  get training(): boolean {
    return this.opts.training;
  }

  /** A trainable initializer named exactly `name`, filled by `init` (left zero in shapes-only builds). */
  param(name: string, dims: number[], init: Init): string {
    return this.paramTensor(name, initTensor(dims, init, this.opts.rng?.fork(name) ?? null));
  }

  /** A trainable initializer with given values. */
  paramTensor(name: string, value: TensorData): string {
    const got = this.b.initializer(name, value);
    invariant(got === name, `parameter name '${name}' is taken (got '${got}')`);
    return got;
  }

  /** A fresh draw stream for hand-initialised parameters, or null in shapes-only builds. */
  rngFor(name: string): Rng | null {
    return this.opts.rng?.fork(name) ?? null;
  }

  /** Channels of an NCHW (or N×F) tensor. */
  channels(x: string): number {
    const c = this.b.shape(x)[1];
    invariant(typeof c === 'number', `channels of '${x}' are not static`);
    return c;
  }

  /**
   * nn.Conv2d with symmetric padding; parameters `${name}.weight` [out, in/groups, k, k] and optional `${name}.bias`.
   */
  conv2d(x: string, name: string, o: Conv2dOpts): string {
    const inC = this.channels(x);
    const groups = o.groups ?? 1;
    const dims = [o.out, inC / groups, o.kernel, o.kernel];
    const w = this.param(`${name}.weight`, dims, (o.weightInit ?? kaimingNormalFanOut)(dims));
    const bias = o.bias ? this.param(`${name}.bias`, [o.out], o.biasInit ?? zerosInit) : undefined;
    const p = o.pad ?? 0;
    const s = o.stride ?? 1;
    return this.checkSpatial(
      this.b.conv(x, w, bias, { name, strides: [s, s], pads: [p, p, p, p], group: groups }),
      name,
    );
  }

  /**
   * BatchNorm2d (PyTorch momentum m = ONNX 1 − m; defaults 1e-5, 0.1); in train mode its new running stats become
   * outputs.
   */
  batchNorm2d(x: string, name: string, eps = 1e-5, torchMomentum = 0.1): string {
    const c = this.channels(x);
    const scale = this.param(`${name}.weight`, [c], onesInit);
    const bias = this.param(`${name}.bias`, [c], zerosInit);
    const mean = this.param(`${name}.running_mean`, [c], zerosInit);
    const variance = this.param(`${name}.running_var`, [c], onesInit);
    const outs = this.b.batchNormalization(x, scale, bias, mean, variance, {
      name,
      epsilon: eps,
      momentum: 1 - torchMomentum,
      training_mode: this.training ? 1 : 0,
    });
    if (this.training) {
      this.carried.push({ tensor: outs[1]!, name: `${mean}.next` }, { tensor: outs[2]!, name: `${variance}.next` });
    }
    return outs[0]!;
  }

  /** nn.Linear on [N, F] as one Gemm (transB=1, weight [out, in] as PyTorch stores it). */
  linear(x: string, name: string, out: number, weightInit: Init, biasInit: Init | null): string {
    const w = this.param(`${name}.weight`, [out, this.channels(x)], weightInit);
    const bias = biasInit ? this.param(`${name}.bias`, [out], biasInit) : undefined;
    return this.b.gemm(x, w, bias, { name, transB: 1 });
  }

  /** nn.ReLU. */
  relu(x: string, name: string): string {
    return this.b.relu(x, { name });
  }

  /** ReLU6 as Clip(0, 6), which is how torch.onnx exports nn.ReLU6. */
  relu6(x: string, name: string): string {
    return this.b.clip(x, 0, 6, { name });
  }

  /** nn.MaxPool2d (floor mode). */
  maxPool2d(x: string, name: string, kernel: number, stride: number, pad = 0): string {
    return this.checkSpatial(
      this.b.maxPool(x, {
        name,
        kernel_shape: [kernel, kernel],
        strides: [stride, stride],
        pads: [pad, pad, pad, pad],
      }),
      name,
    );
  }

  /** Dropout: live in train mode, an Identity (keeping the module's name) in eval mode; p = 0 emits nothing. */
  dropout(x: string, name: string, p: number): string {
    return p === 0 ? x : this.b.dropout(x, p, this.training, { name });
  }

  /**
   * AdaptiveAvgPool2d(size). Exact when a side equals `size` (Identity) or is a multiple of it (AveragePool).
   * A side larger but not a multiple gets a fixed pool with stride ⌊d/size⌋ and kernel d−(size−1)·stride (windows
   * overlap a little, as torch's adaptive bins do). A side smaller than `size` is left as it is: torch would repeat
   * values to fill size×size, which only ties weights of the next Linear together, so small inputs get a
   * correspondingly smaller Linear instead.
   */
  adaptiveAvgPool2d(x: string, name: string, size: number): string {
    const sides = this.b.shape(x).slice(2) as number[];
    const strides = sides.map((d) => (d <= size ? 1 : Math.floor(d / size)));
    const kernel = sides.map((d, i) => (d <= size ? 1 : d - (size - 1) * strides[i]!));
    if (kernel.every((k) => k === 1)) return this.b.identity(x, { name });
    return this.b.averagePool(x, { name, kernel_shape: kernel, strides });
  }

  /** torch.flatten(x, 1). */
  flatten(x: string, name: string): string {
    return this.b.flatten(x, { name, axis: 1 });
  }

  /** A one-line user error when the input is too small for the architecture (a spatial side reached 0). */
  private checkSpatial(t: string, node: string): string {
    const sides = this.b.shape(t).slice(2);
    if (sides.some((d) => typeof d === 'number' && d < 1)) {
      const [c, h, w] = this.opts.inputShape;
      throw new TgrError(
        'bad_argument',
        `${this.opts.label}: a ${c}×${h}×${w} input is too small: '${node}' would output ${sides.join('×')}; ` +
          'resize the images larger or pick a backbone made for small inputs (resnet20, vit-tiny)',
        { node },
      );
    }
    return t;
  }
}
