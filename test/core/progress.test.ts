import { test } from 'node:test';
import assert from 'node:assert/strict';
import { progress, routeProgress, type Progress, type ProgressOptions } from '../../src/core/progress.js';

/** A stream that keeps what is written; isTTY as given. */
function sink(isTTY = false): { stream: NodeJS.WriteStream; lines: () => string[] } {
  const chunks: string[] = [];
  const stream = { isTTY, write: (s: string) => (chunks.push(s), true) } as unknown as NodeJS.WriteStream;
  return { stream, lines: () => chunks.join('').split('\n').filter(Boolean) };
}

// The rate and ETA depend on the clock, so they are matched by shape, everything else exactly.
const rateEta = String.raw`\(\d+\.\d/s, ETA (\d+s|\?)\)`;

test('plain lines: label, count/total and unit, rate and ETA, then the info', () => {
  const s = sink();
  const p = progress({ label: 'inject', total: 10, unit: 'faults', stream: s.stream, everySeconds: 0 });
  p.tick(3, 'layer conv1');
  p.tick();
  p.done('finished');
  const lines = s.lines();
  assert.equal(lines.length, 3);
  assert.match(lines[0]!, new RegExp(`^inject: 3/10 faults ${rateEta} layer conv1$`));
  assert.match(lines[1]!, new RegExp(`^inject: 4/10 faults ${rateEta}$`));
  assert.match(lines[2]!, new RegExp(`^inject: 4/10 faults ${rateEta} finished$`));
});

test('plain lines are spaced by everySeconds: ticks within it write nothing, done always writes', () => {
  const s = sink();
  const p = progress({ label: 'golden', total: 5, unit: 'images', stream: s.stream, everySeconds: 3600 });
  for (let i = 0; i < 5; i++) p.tick();
  assert.deepEqual(s.lines(), []);
  p.done();
  assert.equal(s.lines().length, 1);
  assert.match(s.lines()[0]!, new RegExp(`^golden: 5/5 images ${rateEta}$`));
});

test('a TTY stream gets plain lines when plain is set', () => {
  const s = sink(true);
  const p = progress({ label: 'train', total: 2, unit: 'batches', stream: s.stream, plain: true });
  p.done();
  assert.match(s.lines()[0]!, new RegExp(`^train: 0/2 batches ${rateEta}$`));
});

test('quiet writes nothing, not even on done', () => {
  const s = sink();
  const p = progress({ label: 'x', total: 1, unit: 'u', stream: s.stream, quiet: true, everySeconds: 0 });
  p.tick(1, 'info');
  p.done('end');
  assert.deepEqual(s.lines(), []);
});

test('routeProgress sends reporters without a stream to the route; a bound stream or quiet stays local', () => {
  const seen: ProgressOptions[] = [];
  const routed: Progress = { tick: () => {}, done: () => {} };
  routeProgress((opts) => (seen.push(opts), routed));
  try {
    assert.equal(progress({ label: 'stage', total: 4, unit: 'steps' }), routed);
    assert.deepEqual(
      seen.map((o) => o.label),
      ['stage'],
    );
    const s = sink();
    const local = progress({ label: 'own', total: 1, unit: 'u', stream: s.stream });
    assert.notEqual(local, routed);
    local.done();
    assert.equal(s.lines().length, 1);
    progress({ label: 'hushed', total: 1, unit: 'u', quiet: true });
    assert.equal(seen.length, 1);
  } finally {
    routeProgress(null);
  }
});
