import type { GraphBuilder } from '../onnx/builder.js';
import { invariant } from '../core/errors.js';

/** A window's height and width in tokens. */
export type Window = readonly [number, number];

const staticDims = (b: GraphBuilder, x: string): number[] => {
  const s = b.shape(x);
  invariant(
    s.slice(1).every((d) => typeof d === 'number'),
    `'${x}' needs static dims after the batch, got [${s.join(', ')}]`,
  );
  return s.slice(1) as number[];
};

/**
 * torch.roll(x, shift, axis) as Slice + Concat (ONNX has no roll): out[i] = x[(i − shift) mod n]. Both ops have
 * gradient rules, so a rolled graph trains. A shift of 0 (mod n) emits nothing.
 */
export function roll(b: GraphBuilder, x: string, shift: number, axis: number, name: string): string {
  const n = b.shape(x)[axis];
  invariant(typeof n === 'number', `roll: axis ${axis} of '${x}' must be static`);
  const s = ((shift % n) + n) % n;
  if (s === 0) return x;
  const tail = b.slice(x, [n - s], [n], [axis], undefined, { name: `${name}.tail` });
  const head = b.slice(x, [0], [n - s], [axis], undefined, { name: `${name}.head` });
  return b.concat([tail, head], axis, { name });
}

/**
 * Zero-pads [N, H, W, C] at the bottom and right up to multiples of the window (torchvision's F.pad before windows).
 */
export function padToWindows(b: GraphBuilder, x: string, ws: Window, name: string): string {
  const [H, W] = staticDims(b, x);
  const pb = (ws[0] - (H! % ws[0])) % ws[0];
  const pr = (ws[1] - (W! % ws[1])) % ws[1];
  return pb || pr ? b.pad(x, [0, 0, 0, 0, 0, pb, pr, 0], { name }) : x;
}

/**
 * [N, H, W, C] (H, W multiples of the window) → [N, nW, wh·ww, C], windows in row-major order as torchvision's
 * view/permute makes them. The batch axis stays separate so shapes stay static apart from N.
 */
export function windowPartition(b: GraphBuilder, x: string, ws: Window, name: string): string {
  const [H, W, C] = staticDims(b, x) as [number, number, number];
  const [gh, gw] = [H / ws[0], W / ws[1]];
  invariant(Number.isInteger(gh) && Number.isInteger(gw), `windowPartition: ${H}×${W} is not a window multiple`);
  const grid = b.reshape(x, [0, gh, ws[0], gw, ws[1], C], { name: `${name}.grid` });
  const t = b.transpose(grid, [0, 1, 3, 2, 4, 5], { name: `${name}.transpose` });
  return b.reshape(t, [0, gh * gw, ws[0] * ws[1], C], { name });
}

/** The inverse of windowPartition: [N, nW, wh·ww, C] → [N, H, W, C]. */
export function windowReverse(b: GraphBuilder, x: string, ws: Window, H: number, W: number, name: string): string {
  const C = b.shape(x).at(-1) as number;
  const [gh, gw] = [H / ws[0], W / ws[1]];
  const grid = b.reshape(x, [0, gh, gw, ws[0], ws[1], C], { name: `${name}.grid` });
  const t = b.transpose(grid, [0, 1, 3, 2, 4, 5], { name: `${name}.transpose` });
  return b.reshape(t, [0, H, W, C], { name });
}

/**
 * Swin's relative_position_index buffer: for tokens i, j of a window, the row of the (2wh−1)(2ww−1) relative
 * position table that holds their offset, flattened to wh·ww·wh·ww entries.
 */
export function relativePositionIndex(ws: Window): number[] {
  const T = ws[0] * ws[1];
  const out = new Array<number>(T * T);
  for (let i = 0; i < T; i++) {
    for (let j = 0; j < T; j++) {
      const dh = Math.floor(i / ws[1]) - Math.floor(j / ws[1]) + ws[0] - 1;
      const dw = (i % ws[1]) - (j % ws[1]) + ws[1] - 1;
      out[i * T + j] = dh * (2 * ws[1] - 1) + dw;
    }
  }
  return out;
}

/**
 * The shifted-window attention mask torchvision builds for a padded H×W map: [nW, T, T] with 0 where two tokens of a
 * window came from the same region before the cyclic shift and −100 elsewhere (softmax then all but ignores them).
 */
export function shiftedWindowMask(H: number, W: number, ws: Window, shift: Window): Float32Array {
  const region = (i: number, n: number, w: number, s: number) => (i < n - w ? 0 : i < n - s ? 1 : 2);
  const [gh, gw] = [H / ws[0], W / ws[1]];
  const T = ws[0] * ws[1];
  const mask = new Float32Array(gh * gw * T * T);
  for (let wy = 0; wy < gh; wy++) {
    for (let wx = 0; wx < gw; wx++) {
      const ids = Array.from({ length: T }, (_, t) => {
        const y = wy * ws[0] + Math.floor(t / ws[1]);
        const x = wx * ws[1] + (t % ws[1]);
        return region(y, H, ws[0], shift[0]) * 3 + region(x, W, ws[1], shift[1]);
      });
      const base = (wy * gw + wx) * T * T;
      for (let i = 0; i < T; i++) for (let j = 0; j < T; j++) mask[base + i * T + j] = ids[i] === ids[j] ? 0 : -100;
    }
  }
  return mask;
}
