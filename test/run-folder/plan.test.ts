import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planSchema } from '../../src/run-folder/plan.js';
import { plan } from './samples.js';

test('plan schema: output keeps the planner key order, so a read plan serialises as it was written', () => {
  const shuffled = Object.fromEntries(Object.entries(plan).reverse());
  assert.equal(JSON.stringify(planSchema.parse(shuffled)), JSON.stringify(plan));
});

test('plan schema: plans of older tgr (no guard, no stratification) read as none', () => {
  const { guard: _g, stratify: _s, ...old } = plan;
  const p = planSchema.parse(old);
  assert.deepEqual([p.guard, p.stratify], ['none', 'none']);
});

test('plan schema: the field path of the first problem', () => {
  const issue = (v: unknown) => {
    const r = planSchema.safeParse(v);
    return r.success ? 'ok' : `${r.error.issues[0]!.path.join('.')}: ${r.error.issues[0]!.message}`;
  };
  assert.equal(issue({ ...plan, version: 2 }), 'version: Invalid input: expected 1');
  assert.equal(
    issue({ ...plan, strata: { weights: [0.5, 0], allocation: 'equal' } }),
    'strata.weights.1: Too small: expected number to be >0',
  );
  assert.equal(
    issue({ ...plan, sites: { ...plan.sites, index: [0, 1.5] } }),
    'sites.index.1: Invalid input: expected int, received number',
  );
  assert.equal(issue({ ...plan, layers: [] }), 'layers: Too small: expected array to have >=1 items');
});
