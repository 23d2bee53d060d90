import { test } from 'node:test';
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { shardArgs, threadsPerJob } from '../../src/faults/jobs.js';

test('a job runs the parent command as one shard: --jobs and --threads (both forms) replaced', () => {
  assert.deepEqual(shardArgs(['inject', 'runs/a', '--jobs', '2', '--per-layer', '40', '--threads=2'], 1, 2, 1), [
    'inject',
    'runs/a',
    '--per-layer',
    '40',
    '--shard',
    '1/2',
    '--threads',
    '1',
    '--quiet',
  ]);
  assert.deepEqual(shardArgs(['inject', 'r', '--jobs=3', '--threads', '4'], 0, 3, 4), [
    'inject',
    'r',
    '--shard',
    '0/3',
    '--threads',
    '4',
    '--quiet',
  ]);
});

test('each job gets the cores shared equally, at least one, unless --threads says', () => {
  assert.equal(threadsPerJob(1), availableParallelism());
  assert.equal(threadsPerJob(availableParallelism() * 2), 1);
  assert.equal(threadsPerJob(2, 3), 3);
});
