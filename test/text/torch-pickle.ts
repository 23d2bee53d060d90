// Builds the exact bytes torch.save writes for one float32 tensor (zip + pickle protocol 2), so the .pth reader is
// tested on a file made here rather than downloaded.
import { zipSync } from 'fflate';

const enc = new TextEncoder();
const cat = (...parts: (number[] | Uint8Array)[]) => Uint8Array.from(parts.flatMap((p) => Array.from(p)));
const u32 = (n: number) => [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, (n >>> 24) & 0xff];
const str = (s: string) => cat([0x58], u32(enc.encode(s).length), enc.encode(s)); // BINUNICODE
const int = (n: number) => (n < 256 ? [0x4b, n] : n < 65536 ? [0x4d, n & 0xff, n >> 8] : [0x4a, ...u32(n)]);
const global = (mod: string, name: string) => cat([0x63], enc.encode(`${mod}\n${name}\n`));
const tuple = (items: number[][]) => (items.length === 2 ? cat(...items, [0x86]) : cat([0x28], ...items, [0x74]));

/**
 * Pickle of `_rebuild_tensor_v2(storage('0', numel), offset, size, stride, False, OrderedDict())`, optionally in a
 * dict.
 */
export function tensorPickle(opts: {
  numel: number;
  offset: number;
  size: number[];
  stride: number[];
  dictKey?: string;
  storage?: string;
}): Uint8Array {
  const tensor = cat(
    global('torch._utils', '_rebuild_tensor_v2'),
    [0x28], // MARK: args
    [0x28],
    str('storage'),
    global('torch', opts.storage ?? 'FloatStorage'),
    str('0'),
    str('cpu'),
    int(opts.numel),
    [0x74, 0x51], // pid tuple, BINPERSID
    int(opts.offset),
    tuple(opts.size.map(int)),
    tuple(opts.stride.map(int)),
    [0x89], // False
    global('collections', 'OrderedDict'),
    [0x29, 0x52], // OrderedDict()
    [0x74, 0x52], // TUPLE, REDUCE
  );
  const body = opts.dictKey === undefined ? tensor : cat([0x7d], str(opts.dictKey), tensor, [0x73]);
  return cat([0x80, 0x02], body, [0x2e]);
}

/** A torch.save-style zip around a pickle and one float32 storage. */
export function torchZip(pickle: Uint8Array, storage: Float32Array, prefix = 'archive'): Uint8Array {
  return zipSync({
    [`${prefix}/data.pkl`]: [pickle, { level: 0 }],
    [`${prefix}/byteorder`]: [enc.encode('little'), { level: 0 }],
    [`${prefix}/data/0`]: [new Uint8Array(storage.buffer.slice(0)), { level: 0 }],
    [`${prefix}/version`]: [enc.encode('3\n'), { level: 0 }],
  });
}
