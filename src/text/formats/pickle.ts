/**
 * A minimal Python pickle reader (protocols 2–4), enough for what torch.save writes: globals, tuples, lists, dicts,
 * ints, floats, strings, persistent ids and REDUCE/BUILD calls. Nothing is executed: a call becomes a `PickleCall`
 * node that the caller interprets (pth.ts knows `_rebuild_tensor_v2`), so an untrusted file cannot run code.
 */

/** A reference to a Python global (`module.name`), e.g. torch._utils._rebuild_tensor_v2. */
export interface PickleGlobal {
  kind: 'global';
  name: string;
}
/** A call recorded by REDUCE (and BUILD state), left for the caller to interpret. */
export interface PickleCall {
  kind: 'call';
  fn: PickleValue;
  args: PickleValue[];
  state?: PickleValue;
}
/** A persistent id (BINPERSID): torch uses it for storages. */
export interface PicklePersistent {
  kind: 'persid';
  id: PickleValue;
}
export type PickleValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | PickleValue[]
  | Map<PickleValue, PickleValue>
  | PickleGlobal
  | PickleCall
  | PicklePersistent;

const MARK = Symbol('mark');
type Slot = PickleValue | typeof MARK;

/** Parses pickle bytes into a value tree; throws an Error naming the opcode when it meets one it does not know. */
export function parsePickle(bytes: Uint8Array): PickleValue {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const stack: Slot[] = [];
  const memo = new Map<number, PickleValue>();
  const dec = new TextDecoder();
  let p = 0;
  const u8 = () => bytes[p++]!;
  const take = (n: number) => {
    if (p + n > bytes.length) throw new Error('pickle truncated');
    const s = bytes.subarray(p, p + n);
    p += n;
    return s;
  };
  const line = () => {
    const end = bytes.indexOf(0x0a, p);
    if (end < 0) throw new Error('pickle truncated in a GLOBAL');
    const s = dec.decode(bytes.subarray(p, end));
    p = end + 1;
    return s;
  };
  const pop = (): PickleValue => {
    const v = stack.pop();
    if (v === undefined || v === MARK) throw new Error('pickle stack underflow');
    return v;
  };
  const popMark = (): PickleValue[] => {
    const i = stack.lastIndexOf(MARK);
    if (i < 0) throw new Error('pickle MARK missing');
    const items = stack.splice(i) as PickleValue[];
    return items.slice(1);
  };
  const top = () => stack[stack.length - 1] as PickleValue;
  for (;;) {
    if (p >= bytes.length) throw new Error('pickle ended without STOP');
    const op = u8();
    switch (op) {
      case 0x80:
        p++;
        break; // PROTO n
      case 0x95:
        p += 8;
        break; // FRAME (protocol 4): a length hint only
      case 0x2e:
        return pop(); // STOP
      case 0x28:
        stack.push(MARK);
        break;
      case 0x4e:
        stack.push(null);
        break;
      case 0x88:
        stack.push(true);
        break;
      case 0x89:
        stack.push(false);
        break;
      case 0x4a:
        stack.push(view.getInt32(p, true));
        p += 4;
        break; // BININT
      case 0x4b:
        stack.push(u8());
        break; // BININT1
      case 0x4d:
        stack.push(view.getUint16(p, true));
        p += 2;
        break; // BININT2
      case 0x8a: {
        // LONG1: little-endian two's complement
        const n = u8();
        let v = 0n;
        const b = take(n);
        for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]!);
        if (n > 0 && b[n - 1]! & 0x80) v -= 1n << BigInt(8 * n);
        stack.push(v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v);
        break;
      }
      case 0x47:
        stack.push(view.getFloat64(p, false));
        p += 8;
        break; // BINFLOAT (big-endian)
      case 0x58: {
        const n = view.getUint32(p, true);
        p += 4;
        stack.push(dec.decode(take(n)));
        break;
      } // BINUNICODE
      case 0x8c: {
        const n = u8();
        stack.push(dec.decode(take(n)));
        break;
      } // SHORT_BINUNICODE
      case 0x55: {
        const n = u8();
        stack.push(dec.decode(take(n)));
        break;
      } // SHORT_BINSTRING
      case 0x54: {
        const n = view.getUint32(p, true);
        p += 4;
        stack.push(dec.decode(take(n)));
        break;
      } // BINSTRING
      case 0x63: {
        const mod = line();
        stack.push({ kind: 'global', name: `${mod}.${line()}` });
        break;
      } // GLOBAL
      case 0x93: {
        const name = pop() as string;
        stack.push({ kind: 'global', name: `${pop() as string}.${name}` });
        break;
      } // STACK_GLOBAL
      case 0x71:
        memo.set(u8(), top());
        break; // BINPUT
      case 0x72:
        memo.set(view.getUint32(p, true), top());
        p += 4;
        break; // LONG_BINPUT
      case 0x94:
        memo.set(memo.size, top());
        break; // MEMOIZE
      case 0x68:
        stack.push(memoGet(memo, u8()));
        break; // BINGET
      case 0x6a:
        stack.push(memoGet(memo, view.getUint32(p, true)));
        p += 4;
        break; // LONG_BINGET
      case 0x29:
        stack.push([]);
        break; // EMPTY_TUPLE
      case 0x74:
        stack.push(popMark());
        break; // TUPLE
      case 0x85:
        stack.push([pop()]);
        break; // TUPLE1
      case 0x86: {
        const b = pop();
        stack.push([pop(), b]);
        break;
      } // TUPLE2
      case 0x87: {
        const c = pop();
        const b = pop();
        stack.push([pop(), b, c]);
        break;
      } // TUPLE3
      case 0x5d:
        stack.push([]);
        break; // EMPTY_LIST
      case 0x61: {
        const v = pop();
        (top() as PickleValue[]).push(v);
        break;
      } // APPEND
      case 0x65: {
        const vs = popMark();
        (top() as PickleValue[]).push(...vs);
        break;
      } // APPENDS
      case 0x7d:
        stack.push(new Map());
        break; // EMPTY_DICT
      case 0x73: {
        const v = pop();
        const k = pop();
        (top() as Map<PickleValue, PickleValue>).set(k, v);
        break;
      } // SETITEM
      case 0x75: {
        // SETITEMS
        const kv = popMark();
        const d = top() as Map<PickleValue, PickleValue>;
        for (let i = 0; i + 1 < kv.length; i += 2) d.set(kv[i]!, kv[i + 1]!);
        break;
      }
      case 0x51:
        stack.push({ kind: 'persid', id: pop() });
        break; // BINPERSID
      case 0x52: {
        const args = pop() as PickleValue[];
        const fn = pop();
        // A dict class (torch.save's state_dict is an OrderedDict) becomes a Map, so SETITEM(S) can fill it.
        stack.push(isDictClass(fn) && args.length === 0 ? new Map() : { kind: 'call', fn, args });
        break;
      } // REDUCE
      case 0x81: {
        const args = pop() as PickleValue[];
        stack.push({ kind: 'call', fn: pop(), args });
        break;
      } // NEWOBJ
      case 0x62: {
        // BUILD: keep the state beside a call; a dict's state is its instance attributes (an OrderedDict's
        // `_metadata`), not items, so a Map leaves it out.
        const state = pop();
        const obj = top();
        if (obj && typeof obj === 'object' && 'kind' in obj && obj.kind === 'call') obj.state = state;
        break;
      }
      default:
        throw new Error(`pickle opcode 0x${op.toString(16)} at byte ${p - 1} is not supported`);
    }
  }
}

/** Python classes that pickle as a call of no arguments followed by SETITEM(S): read as a plain Map. */
const dictClasses = new Set(['collections.OrderedDict', 'builtins.dict']);

function isDictClass(v: PickleValue): boolean {
  return v !== null && typeof v === 'object' && 'kind' in v && v.kind === 'global' && dictClasses.has(v.name);
}

function memoGet(memo: Map<number, PickleValue>, i: number): PickleValue {
  const v = memo.get(i);
  if (v === undefined) throw new Error(`pickle memo ${i} unset`);
  return v;
}
