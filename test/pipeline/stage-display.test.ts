import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StageDisplay } from '../../src/pipeline/stage-display.js';

/** A non-TTY stream that keeps what is written. */
function sink(): NodeJS.WriteStream & { text: string } {
  const s = { text: '', isTTY: false, write: (c: string) => ((s.text += c), true) };
  return s as unknown as NodeJS.WriteStream & { text: string };
}

test('off a TTY each line carries its stage; progress lines give count, rate and ETA', () => {
  const out = sink();
  const d = new StageDisplay(out, 0);
  d.line('train-baseline', 'epoch 1 done');
  d.line('', 'reproduce: analysing');
  const p = { label: 'inject fp32', unit: 'inj', total: 100, info: '', done: false };
  d.progress('inject-baseline-fp32', { ...p, count: 25, seconds: 5 });
  d.progress('inject-baseline-fp32', { ...p, count: 100, seconds: 20, done: true, info: 'ok' });
  d.end('inject-baseline-fp32');
  d.close();
  assert.equal(
    out.text,
    [
      '[train-baseline] epoch 1 done',
      'reproduce: analysing',
      '[inject-baseline-fp32] inject fp32: 25/100 inj (5.0/s, ETA 15s)',
      '[inject-baseline-fp32] inject fp32: 100/100 inj (5.0/s, ETA 0s) ok',
      '',
    ].join('\n'),
  );
});

test('off a TTY a stage prints at most one progress line per period, and always its last', () => {
  const out = sink();
  const d = new StageDisplay(out, 3600);
  const p = { label: 'epoch 1/2', unit: 'img', total: 10, info: '', done: false, seconds: 1 };
  for (let k = 1; k < 10; k++) d.progress('train-a', { ...p, count: k });
  d.progress('train-a', { ...p, count: 10, done: true });
  assert.equal(out.text, '[train-a] epoch 1/2: 10/10 img (10.0/s, ETA 0s)\n');
});
