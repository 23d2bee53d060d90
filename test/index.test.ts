import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as tgr from '../src/index.js';

/** The names docs/API.md's table lists: runtime exports, and the ones it marks `type`/`types`. */
function documented(): { values: Set<string>; types: Set<string> } {
  const rows = readFileSync(new URL('../docs/API.md', import.meta.url), 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('| ') && !l.startsWith('| Stage') && !l.startsWith('| ---'));
  const values = new Set<string>();
  const types = new Set<string>();
  for (const row of rows) {
    const exportsCell = row.split('|')[2]!;
    // `types A, B` or `type A` marks type names; an entry written as a call names the function before '('.
    for (const m of exportsCell.matchAll(/types? ((?:`[A-Za-z]+`(?:, )?)+)/g))
      for (const t of m[1]!.matchAll(/`([A-Za-z]+)`/g)) types.add(t[1]!);
    for (const m of exportsCell.matchAll(/`([A-Za-z]+)/g)) if (!types.has(m[1]!)) values.add(m[1]!);
  }
  return { values, types };
}

test('the library exports exactly the values docs/API.md lists', () => {
  const { values, types } = documented();
  assert.deepEqual(Object.keys(tgr).sort(), [...values].sort());
  assert.ok(types.has('Model') && types.has('CampaignSummary'), [...types].join(', '));
});

test('each export is what its row says: classes, functions and name tables', () => {
  assert.equal(new tgr.TgrError('bad_argument', 'x').code, 'bad_argument');
  assert.equal(new tgr.Rng(1).next(), new tgr.Rng(1).next());
  for (const table of [
    tgr.backbones,
    tgr.datasets,
    tgr.descriptionSources,
    tgr.encoders,
    tgr.runFiles,
    tgr.normalizePresets,
  ])
    assert.ok(table && typeof table === 'object' && Object.keys(table).length > 0);
  const fns = Object.entries(tgr)
    .filter(([, v]) => typeof v === 'function')
    .map(([k]) => k);
  assert.ok(fns.includes('injectCampaign') && fns.includes('readRunFile') && fns.includes('analyse'));
  assert.equal(typeof tgr.runFileVersion, 'number');
});
