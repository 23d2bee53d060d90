import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePickle } from '../../../src/text/formats/pickle.js';

const hex = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'));

/**
 * Python 3's pickle.dumps of {'a': [1, -2, 3.5, None, True, False], 'b': (1, 2, 3), 'c': 2**70, 'd': -129,
 * 'e': 'üñ', 'f': ((),), 'g': 300, 'h': 70000, 'p': x, 'q': x, 'n': -2**70} with x = [1] shared, at protocols 2 and 4
 * (4 adds FRAME, SHORT_BINUNICODE and MEMOIZE; both use BINPUT/BINGET or MEMOIZE/BINGET for the shared list).
 */
const protocol2 =
  '80027d71002858010000006171015d7102284b014afeffffff47400c0000000000004e88896558010000006271034b014b024b0387710458010000006371058a0900000000000000004058010000006471064a7fffffff58010000006571075804000000c3bcc3b1710858010000006671092985710a580100000067710b4d2c01580100000068710c4a70110100580100000070710d5d710e4b0161580100000071710f680e58010000006e71108a090000000000000000c0752e';
const protocol4 =
  '80049584000000000000007d94288c0161945d94284b014afeffffff47400c0000000000004e8889658c0162944b014b024b0387948c0163948a090000000000000000408c0164944a7fffffff8c0165948c04c3bcc3b1948c0166942985948c0167944d2c018c0168944a701101008c0170945d944b01618c017194680e8c016e948a090000000000000000c0752e';

test('Python’s own pickles of plain values read back exactly, at protocol 2 and 4', () => {
  for (const bytes of [protocol2, protocol4]) {
    const v = parsePickle(hex(bytes)) as Map<string, unknown>;
    assert.deepEqual(
      v,
      new Map<string, unknown>([
        ['a', [1, -2, 3.5, null, true, false]],
        ['b', [1, 2, 3]],
        ['c', 2n ** 70n], // LONG1 beyond 2^53 stays a bigint
        ['d', -129],
        ['e', 'üñ'],
        ['f', [[]]],
        ['g', 300],
        ['h', 70000],
        ['p', [1]],
        ['q', [1]],
        ['n', -(2n ** 70n)],
      ]),
    );
    assert.equal(v.get('p'), v.get('q'), 'a memoised value is the same object where it is used again');
  }
});

test('LONG1 within the safe range is a number; GLOBAL and STACK_GLOBAL name module.attr', () => {
  // PROTO 2, LONG1 of 3 bytes 0xff 0xff 0x7f = 8388607, STOP; then -1 as LONG1 of one byte 0xff.
  assert.equal(parsePickle(hex('80028a03ffff7f2e')), 8388607);
  assert.equal(parsePickle(hex('80028a01ff2e')), -1);
  assert.equal(parsePickle(hex('80028a002e')), 0);
  // GLOBAL 'torch\nFloatStorage\n'
  assert.deepEqual(parsePickle(hex('8002' + Buffer.from('ctorch\nFloatStorage\n').toString('hex') + '2e')), {
    kind: 'global',
    name: 'torch.FloatStorage',
  });
  // SHORT_BINUNICODE 'torch', SHORT_BINUNICODE 'Size', STACK_GLOBAL
  assert.deepEqual(parsePickle(hex('80048c05746f7263688c0453697a65932e')), { kind: 'global', name: 'torch.Size' });
});

test('a class instance is a call node, never run: NEWOBJ with its arguments and BUILD’s state beside it', () => {
  // pickle.dumps(Point()) at protocol 2 and 4, where Point.__init__ sets self.x = 1.
  for (const bytes of [
    '8002635f5f6d61696e5f5f0a506f696e740a7100298171017d710258010000007871034b0173622e',
    '80049523000000000000008c085f5f6d61696e5f5f948c05506f696e749493942981947d948c0178944b0173622e',
  ]) {
    assert.deepEqual(parsePickle(hex(bytes)), {
      kind: 'call',
      fn: { kind: 'global', name: '__main__.Point' },
      args: [],
      state: new Map([['x', 1]]),
    });
  }
  // BINPERSID wraps the id a persistent_load would see: ('storage', 'key') here.
  assert.deepEqual(parsePickle(hex('80028c0773746f726167658c036b657986512e')), {
    kind: 'persid',
    id: ['storage', 'key'],
  });
});

test('an OrderedDict (what torch.save writes for a state_dict) reads as a map', () => {
  // pickle.dumps(collections.OrderedDict([('k', 1)]), protocol=2)
  const v = parsePickle(
    hex('800263636f6c6c656374696f6e730a4f726465726564446963740a71002952710158010000006b71024b01732e'),
  );
  assert.deepEqual(v, new Map([['k', 1]]));
});

test("an OrderedDict with instance attributes (a state_dict's _metadata) keeps only its items", () => {
  // od = OrderedDict([('w', 1.5), ('b', 2)]); od._metadata = OrderedDict([('', {'version': 1})])
  // pickle.dumps(od, protocol=2); and pickle.dumps(OrderedDict(), protocol=4)
  const v = parsePickle(
    hex(
      '800263636f6c6c656374696f6e730a4f726465726564446963740a710029527101285801000000777102473ff80000000000005801000000627103' +
        '4b02757d710458090000005f6d657461646174617105680029527106580000000071077d7108580700000076657273696f6e71094b01737373622e',
    ),
  );
  assert.deepEqual(
    v,
    new Map<string, number>([
      ['w', 1.5],
      ['b', 2],
    ]),
  );
  assert.deepEqual(
    parsePickle(hex('80049522000000000000008c0b636f6c6c656374696f6e73948c0b4f726465726564446963749493942952942e')),
    new Map(),
  );
});

test('damaged or unsupported input is an Error naming what is wrong, never a hang', () => {
  const cases: [string, string][] = [
    ['8002', 'pickle ended without STOP'],
    ['80022e', 'pickle stack underflow'],
    ['800274', 'pickle MARK missing'],
    ['80026805', 'pickle memo 5 unset'],
    ['80025805000000616263', 'pickle truncated'],
    ['8002' + Buffer.from('cmodule_without_end').toString('hex'), 'pickle truncated in a GLOBAL'],
    ['8002422e', 'pickle opcode 0x42 at byte 2 is not supported'], // BINBYTES
  ];
  for (const [bytes, message] of cases) assert.throws(() => parsePickle(hex(bytes)), { message }, bytes);
});
