import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { analyse } from '../../src/analysis/analyse.js';
import { renderReport, reportIds, reportTables } from '../../src/report/page.js';
import { missingNote, parseBits, reportSections, sectionPresent } from '../../src/report/sections.js';
import { handPair, tempDir } from '../analysis/fixtures.js';

test('sections: ids once each, in page order; only the verdict leads', () => {
  assert.deepEqual(
    reportSections.map((s) => s.id),
    [
      'verdict',
      'settings',
      'reliability',
      'guard',
      'formats',
      'significance',
      'ranges',
      'bits',
      'fit',
      'ablation',
      'cam',
    ],
  );
  assert.deepEqual(
    reportSections.filter((s) => s.leads).map((s) => s.id),
    ['verdict'],
  );
});

test('sections declare the analysis options they read: flag, field and where the value goes', () => {
  const declared = reportSections.flatMap((s) =>
    Object.entries(s.options ?? {}).map(([field, spec]) => `${s.id}: --${spec!.flag} → ${s.into ?? ''}.${field}`),
  );
  assert.deepEqual(declared, [
    'verdict: --tau → .tau',
    'significance: --bootstrap → bootstrap.resamples',
    'significance: --bootstrap-seed → bootstrap.seed',
    'fit: --raw-fit → .rawFitPerMbit',
    'cam: --cam-images → cam.count',
    'cam: --cam-flips → cam.flips',
    'cam: --cam-bits → cam.bits',
    'cam: --cam-seed → cam.seed',
    'cam: --cam-measure → cam.measure',
    'cam: --cam-bound → cam.bound',
    'cam: --data-dir → cam.dataDir',
  ]);
});

test('--cam-bits: bits and ranges, sorted and once each; a bad part is one line naming the flag', () => {
  assert.deepEqual(parseBits('30,0-3,2'), [0, 1, 2, 3, 30]);
  assert.throws(() => parseBits('0-40'), /^TgrError: --cam-bits: '0-40' must name fp32 bits 0\.\.31$/m);
  assert.throws(() => parseBits('1,,2'), /--cam-bits: '' is not a bit or a range like 0-22/);
});

test('a fresh analysis has every field each section reads, and the page shows every section', async (t) => {
  const root = tempDir('report-sections');
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const a = await analyse({ ...handPair(root), cam: { count: 0 }, bootstrap: { resamples: 100 } });
  for (const s of reportSections) assert.ok(sectionPresent(s, a), s.id);
  const html = renderReport([a]);
  for (const s of reportSections) if (s.title) assert.ok(html.includes(`<h3>${s.title}</h3>`), s.id);
  assert.ok(!html.includes('written by an older tgr'));

  // An analysis.json from before the score guard: the section says so, and has no table or id on the page.
  const { guard: _, ...older } = a;
  const guard = reportSections.find((s) => s.id === 'guard')!;
  assert.equal(sectionPresent(guard, older), false);
  assert.equal(
    missingNote(guard, older),
    '<p class="empty">This analysis.json has no guard (written by an older tgr): run tgr report on the run folders again to see this section.</p>',
  );
  assert.ok(renderReport([older]).includes(missingNote(guard, older)));
  assert.ok(!reportTables([older]).some((x) => x.table.id === 'tbl-guard'));
  assert.deepEqual(
    reportIds([a]).tables.filter((id) => !reportIds([older]).tables.includes(id)),
    ['tbl-guard'],
  );
});
