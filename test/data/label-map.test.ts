import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  describeLabelMap,
  labelMap,
  mapByClassList,
  mapBySynsets,
  readClassList,
  remapLabels,
  sameLabelMap,
  type ClassList,
} from '../../src/data/label-map.js';
import { tempDir } from './fixtures.js';

const dir = tempDir('label-map');

function write(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

const list = (lines: string[], file = 'classes.txt'): ClassList => ({ file, sha256: 'ab'.repeat(32), lines });

/** Synset ids n00000000, n00000001, … (sorted as their numbers). */
const wnid = (i: number) => `n${String(i).padStart(8, '0')}`;

test('readClassList: one name per line, trailing blank lines dropped, sha256 of the bytes', () => {
  const text = 'cat\r\n dog \nn01440764 tench, Tinca tinca\n\n\n';
  const file = write('plain.txt', text);
  assert.deepEqual(readClassList(file), {
    file,
    sha256: createHash('sha256').update(text).digest('hex'),
    lines: ['cat', 'dog', 'n01440764 tench, Tinca tinca'],
  });
});

test('readClassList: a JSON array of names (as imagenet_class_names.json)', () => {
  const file = write('names.json', '["tench", "goldfish"]\n');
  assert.deepEqual(readClassList(file).lines, ['tench', 'goldfish']);
});

test('readClassList refuses a blank line in the middle, an empty file and a JSON array of non-names', () => {
  const blank = write('blank.txt', 'a\n\nb\n');
  assert.throws(
    () => readClassList(blank),
    new RegExp(
      `^TgrError: --class-list ${blank}: line 2 is empty, yet every line names one model class \\(line 1 = class 0\\); remove the line or name the class$`,
    ),
  );
  const empty = write('empty.txt', '\n\n');
  assert.throws(
    () => readClassList(empty),
    /^TgrError: --class-list .*empty\.txt: no class names; expected one per line$/,
  );
  const bad = write('bad.json', '["a", 3]');
  assert.throws(
    () => readClassList(bad),
    /^TgrError: --class-list .*bad\.json: expected a JSON array of non-empty class names \(item i = model class i\)$/,
  );
});

test('mapByClassList: a line answers to itself, its synset and the name after the synset', () => {
  const l = list(['n01440764 tench, Tinca tinca', 'goldfish', 'n01484850', 'T-shirt/top']);
  const r = mapByClassList('ds', ['n01484850', 'tench, Tinca tinca', 'goldfish', 'n01440764', 'T-shirt/top'], l, 4);
  assert.deepEqual(r, {
    how: 'class-list',
    file: 'classes.txt',
    sha256: 'ab'.repeat(32),
    classes: 4,
    map: { n01484850: 2, 'tench, Tinca tinca': 0, goldfish: 1, n01440764: 0, 'T-shirt/top': 3 },
  });
});

test('mapByClassList refuses a list of another length, a missing class and a class on two lines, naming the file', () => {
  assert.throws(
    () => mapByClassList('ds', ['a'], list(['a', 'b']), 3),
    /^TgrError: --class-list classes\.txt: 2 classes, but the model scores 3; line i must name model class i — pass the model's own class list$/,
  );
  assert.throws(
    () => mapByClassList('folder', ['a', 'zebra'], list(['a', 'b'])),
    /^TgrError: --class-list classes\.txt: folder class 'zebra' is not in it \(2 lines, line i = model class i\); add it, or pass a list naming the dataset's classes$/,
  );
  assert.throws(
    () => mapByClassList('ds', ['crane'], list(['n02012849 crane', 'n03126707 crane'])),
    /^TgrError: --class-list classes\.txt: ds class 'crane' is on lines 1 and 2; name each model class once \(e\.g\. by its synset\)$/,
  );
});

test('mapBySynsets: all 1000 synset folders in sorted order; fewer refused; other datasets or models unmapped', () => {
  const all = Array.from({ length: 1000 }, (_, i) => wnid(i));
  const r = mapBySynsets('imagenet', all, 1000)!;
  assert.equal(r.how, 'synset-order');
  assert.equal(r.classes, 1000);
  assert.deepEqual(Object.values(r.map), [...all.keys()]);
  assert.throws(
    () => mapBySynsets('imagenet', all.slice(0, 3), 1000),
    /^TgrError: imagenet: 3 synset folders, but the model scores 1000 ImageNet classes and their indices need all 1000 wnids; pass --class-list FILE \(the 1000 wnids in the model's order, e\.g\. LOC_synset_mapping\.txt\)$/,
  );
  assert.equal(mapBySynsets('folder', all.slice(0, 3), 3), undefined); // a model trained on these folders
  assert.equal(mapBySynsets('folder', ['cat', 'dog'], 1000), undefined);
  assert.equal(mapBySynsets('imagenet', all, undefined), undefined);
});

test('labelMap reads the class list when given, else falls back to synset order', () => {
  const file = write('three.txt', 'x\ny\nz\n');
  assert.deepEqual(labelMap({ dataset: 'ds', classNames: ['z', 'x'], modelClasses: 3, classList: file })?.map, {
    z: 2,
    x: 0,
  });
  assert.equal(labelMap({ dataset: 'ds', classNames: ['z', 'x'], modelClasses: 3 }), undefined);
});

test('remapLabels: each dataset label becomes its class’s model index', () => {
  const r = mapByClassList('ds', ['b', 'c', 'a'], list(['a', 'b', 'c', 'd']));
  assert.deepEqual(Array.from(remapLabels([0, 1, 2, 2, 0], ['b', 'c', 'a'], r)), [1, 2, 0, 0, 1]);
});

test('sameLabelMap compares contents and mapping, not the path; describeLabelMap names how, the file and pairs', () => {
  const a = mapByClassList('ds', ['a', 'b', 'c', 'd', 'e'], list(['e', 'd', 'c', 'b', 'a'], 'dir1/list.txt'));
  const moved = { ...a, file: 'dir2/list.txt' };
  assert.ok(sameLabelMap(a, moved));
  assert.ok(sameLabelMap(undefined, undefined));
  assert.ok(!sameLabelMap(a, undefined));
  assert.ok(!sameLabelMap(a, { ...a, sha256: 'cd'.repeat(32) }));
  assert.ok(!sameLabelMap(a, { ...a, map: { ...a.map, e: 1 } }));
  assert.equal(
    describeLabelMap(a),
    '5 dataset classes onto 5 model classes by class list list.txt (sha256 abababababab…): a→4, b→3, c→2, d→1, …',
  );
  const s = mapBySynsets(
    'imagenet',
    Array.from({ length: 1000 }, (_, i) => wnid(i)),
    1000,
  );
  assert.equal(
    describeLabelMap(s),
    "1000 dataset classes onto 1000 model classes by sorted synset order (torchvision's ImageNet index): n00000000→0, n00000001→1, n00000002→2, n00000003→3, …",
  );
  assert.equal(describeLabelMap(undefined), 'dataset label k = model class k');
});
