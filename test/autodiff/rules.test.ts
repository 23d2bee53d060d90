import { test } from 'node:test';
import { opCases } from './op-cases.js';
import { checkGradients } from './grad-check.js';

for (const [op, cases] of Object.entries(opCases)) {
  test(`[${op}] gradient matches finite differences`, async () => {
    for (const c of cases) {
      await checkGradients(c, 'fast');
      if (op === 'Conv' || op === 'Slice') await checkGradients(c, 'plain');
    }
  });
}
