import { test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { anyNumber, measured } from '../../src/run-folder/numbers.js';

test('measured reads a stored null back as NaN and keeps finite numbers', () => {
  assert.equal(measured.parse(0.25), 0.25);
  assert.equal(measured.parse(-3), -3);
  assert.ok(Number.isNaN(measured.parse(null)));
  // JSON round-trip: NaN is written as null and read back as NaN.
  assert.ok(Number.isNaN(measured.parse(JSON.parse(JSON.stringify(NaN)))));
  assert.equal(measured.safeParse('1').success, false);
  assert.equal(measured.safeParse(undefined).success, false);
});

test('anyNumber accepts NaN and ±∞ and names the wrong type like zod does', () => {
  assert.equal(anyNumber.parse(Infinity), Infinity);
  assert.equal(anyNumber.parse(-Infinity), -Infinity);
  assert.ok(Number.isNaN(anyNumber.parse(NaN)));
  assert.equal(anyNumber.parse(1.5), 1.5);
  const message = (v: unknown) => z.object({ x: anyNumber }).safeParse({ x: v }).error?.issues[0]?.message;
  assert.equal(message(null), 'Invalid input: expected number, received null');
  assert.equal(message([1]), 'Invalid input: expected number, received array');
  assert.equal(message('2'), 'Invalid input: expected number, received string');
  assert.equal(message(undefined), 'Invalid input: expected number, received undefined');
  assert.equal(message({}), 'Invalid input: expected number, received object');
  assert.equal(message(3), undefined);
});
