import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TgrError } from '../../../src/core/errors.js';
import { campaignLevel, checkPlanModel, readPlan, writePlan } from '../../../src/faults/plan/plan-file.js';
import type { CampaignPlan } from '../../../src/faults/plan/plan.js';
import type { Classifier } from '../../../src/faults/model/classifier.js';
import { plan as sample } from '../../run-folder/samples.js';

/** The hand-made two-layer plan of the run-folder samples: fp32 bit-flip, 4 sites in one unit. */
const plan = sample as CampaignPlan;
const path = join(mkdtempSync(join(tmpdir(), 'tgr-plan-file-')), 'plan.json');

function readError(value: unknown): string {
  writeFileSync(path, JSON.stringify(value));
  try {
    readPlan(path);
  } catch (e) {
    assert.ok(e instanceof TgrError && e.code === 'bad_plan', String(e));
    assert.deepEqual(e.fields, { path });
    return e.message;
  }
  return 'no error';
}

test('writePlan then readPlan round-trips the hand-made plan', () => {
  writePlan(path, plan);
  assert.deepEqual(readPlan(path), plan);
});

test('a plan.json of older tgr with its own version: 1 still reads; tgr writes plans without it', () => {
  // As plans were written before the field was dropped: the run-file header, then version 1 first.
  writeFileSync(path, JSON.stringify({ tgrFile: { kind: 'plan', version: 1 }, version: 1, ...plan }));
  const old = readPlan(path);
  assert.deepEqual(old, plan);
  assert.equal('version' in old, false);
  writePlan(path, { ...plan, version: 1 });
  assert.equal(readFileSync(path, 'utf8').includes('"version": 1,\n  "model"'), false);
  assert.deepEqual(JSON.parse(readFileSync(path, 'utf8')).tgrFile, { kind: 'plan', version: 1 });
  assert.equal('version' in JSON.parse(readFileSync(path, 'utf8')), false);
  writeFileSync(path, JSON.stringify({ ...plan, version: 2 }));
  assert.throws(() => readPlan(path), /not a valid plan\.json: version: Invalid input: expected 1/);
});

test('a --halfwidth plan records its level; campaignLevel reads it, 0.99 for a fixed n or an older plan', () => {
  const sequential = { ...plan, halfwidth: 0.05, level: 0.9925 };
  writePlan(path, sequential);
  assert.deepEqual(readPlan(path), sequential);
  assert.equal(campaignLevel(readPlan(path)), 0.9925);
  assert.equal(campaignLevel(plan), 0.99);
  assert.equal(
    readError({ ...plan, level: 0.995 }),
    `${path}: level is present but halfwidth is not — re-create it with 'tgr plan'`,
  );
  writeFileSync(path, JSON.stringify({ ...sequential, level: 0.95 }));
  assert.throws(() => readPlan(path), /not a valid plan\.json: level: Too small: expected number to be >=0\.99/);
});

test('readPlan names what crosses fields or needs the registries, one line each', () => {
  const s = plan.sites;
  const l0 = plan.layers[0]!;
  const cases: [unknown, string][] = [
    [{ ...plan, errorModel: 'bit-flop' }, "unknown error model 'bit-flop'; choose one of: "],
    [{ ...plan, guard: 'analytic' }, 'guardBounds is not a list of positive numbers (one per class)'],
    [{ ...plan, guard: 'analytic', guardBounds: [1, 2] }, 'guardDeltaLossBound is not a non-negative number'],
    [
      { ...plan, layers: [{ ...l0, perStratum: [1, 1] }, plan.layers[1]] },
      'layers[0].perStratum is present but stratify is "none"',
    ],
    [{ ...plan, layers: [{ ...l0, sites: 2 }, plan.layers[1]] }, 'layers[0].sites is present but halfwidth is not'],
    [{ ...plan, sites: { ...s, bits: [[0], [1], [2]] } }, 'sites.bits is not one list of bits per site'],
    [{ ...plan, sites: { ...s, bits: [[0], [1], [2], [32]] } }, 'sites.bits is not one list of bits per site'],
    [{ ...plan, sites: { ...s, layer: [0, 0, 1, 2] } }, 'site 3 names layer 2, but there are 2 layers'],
    [{ ...plan, sites: { ...s, index: [3, 16, 0, 1] } }, 'site 1 has index 16, outside 0..15'],
    [{ ...plan, sites: { ...s, index: [3, 15, 0, 2] } }, 'site 3 has index 2, outside 0..1'],
    [{ ...plan, sites: { ...s, bit: [31, 0, 30, 32] } }, "site 3 has bit 32, outside fp32's 0..31"],
    [{ ...plan, groups: [[0, 2]] }, 'groups is not a list of lists of layer positions'],
    [{ ...plan, units: [{ ...plan.units[0], group: 1 }] }, 'units[0].group is not a group position'],
    [{ ...plan, units: [{ ...plan.units[0], end: 3 }] }, 'units cover sites 0..2 but there are 4 sites'],
    [
      {
        ...plan,
        units: [
          { ...plan.units[0], end: 2 },
          { ...plan.units[0], start: 2, end: 2 },
        ],
      },
      'units[1] does not continue at site 2',
    ],
  ];
  for (const [value, what] of cases) {
    const message = readError(value);
    assert.ok(message.startsWith(`${path}: ${what}`), `${what}\n  got: ${message}`);
    assert.ok(message.endsWith(" — re-create it with 'tgr plan'"), message);
  }
  assert.equal(
    readError({ ...plan, sites: { ...s, image: [0, -1, 0, 9] } }),
    `${path}: site 1 has image -1 — re-create it with 'tgr plan'`,
  );
});

test('readPlan accepts multi-bit sites inside the format, whatever their bit column', () => {
  const multi = {
    ...plan,
    errorModel: 'multi-bit-random:2',
    sites: {
      ...plan.sites,
      bits: [
        [0, 1],
        [2, 3],
        [30, 31],
        [4, 5],
      ],
    },
  };
  writeFileSync(path, JSON.stringify(multi));
  assert.deepEqual(readPlan(path).sites.bits, multi.sites.bits);
});

test('checkPlanModel wants the same model bytes and layers that exist in it', () => {
  const clf = (sha256: string, names: string[]) =>
    ({ file: 'm.onnx', sha256, layers: names.map((name) => ({ name })) }) as unknown as Classifier;
  checkPlanModel(plan, clf('ab'.repeat(32), ['conv1', 'fc', 'extra']), 'plan.json');
  assert.throws(
    () => checkPlanModel(plan, clf('cd'.repeat(32), ['conv1', 'fc']), 'plan.json'),
    (e) =>
      e instanceof TgrError &&
      e.code === 'bad_plan' &&
      e.message ===
        "plan.json was made for a model with sha256 abababababab…, but m.onnx has cdcdcdcdcdcd… — re-plan with 'tgr plan'",
  );
  assert.throws(
    () => checkPlanModel(plan, clf('ab'.repeat(32), ['conv1', 'conv2']), 'plan.json'),
    (e) =>
      e instanceof TgrError &&
      e.code === 'bad_plan' &&
      e.message === "plan.json: layer 'fc' is not in m.onnx; layers: conv1, conv2",
  );
});
