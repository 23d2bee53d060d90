import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { relayLines } from '../../src/core/relay-lines.js';

test('relayLines sends whole lines across chunk boundaries, and a last line without a newline', async () => {
  const from = new PassThrough();
  const got: string[] = [];
  const done = relayLines(from, (l) => got.push(l));
  from.write('one\ntw');
  from.write('o\n\nthr');
  from.end('ee');
  await done;
  assert.deepEqual(got, ['one', 'two', '', 'three']);
});

test('relayLines keeps a character split across chunks whole', async () => {
  const from = new PassThrough();
  const got: string[] = [];
  const done = relayLines(from, (l) => got.push(l));
  const bytes = Buffer.from('ΔLoss ∞\n', 'utf8');
  from.write(bytes.subarray(0, 1));
  from.write(bytes.subarray(1, 8));
  from.end(bytes.subarray(8));
  await done;
  assert.deepEqual(got, ['ΔLoss ∞']);
});

test('relayLines sends nothing more for a stream ending on a newline, and nothing for an empty one', async () => {
  const a = new PassThrough();
  const got: string[] = [];
  const done = relayLines(a, (l) => got.push(l));
  a.end('last\n');
  await done;
  assert.deepEqual(got, ['last']);
  const b = new PassThrough();
  const none: string[] = [];
  const ended = relayLines(b, (l) => none.push(l));
  b.end();
  await ended;
  assert.deepEqual(none, []);
});

test("relayLines relays a child process's output, its unterminated last line included", async () => {
  const child = spawn(process.execPath, ['-e', "process.stdout.write('a\\nb')"], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const got: string[] = [];
  await relayLines(child.stdout, (l) => got.push(l));
  assert.deepEqual(got, ['a', 'b']);
});
