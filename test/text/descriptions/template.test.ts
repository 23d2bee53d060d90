import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe } from '../../../src/text/descriptions/registry.js';

const dir = mkdtempSync(join(tmpdir(), 'tgr-desc-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));
const ctx = { cacheDir: dir, quiet: true };

test('template: the paper’s "a photo of a {class}." and user templates', async () => {
  assert.deepEqual(await describe('template', ['cat', 'owl'], {}, ctx), {
    cat: ['a photo of a cat.'],
    owl: ['a photo of a owl.'],
  });
  assert.deepEqual(
    await describe('template', ['cat'], { templates: ['a sketch of a {class}.', 'itap of a {}.'] }, ctx),
    {
      cat: ['a sketch of a cat.', 'itap of a cat.'],
    },
  );
  await assert.rejects(describe('template', ['cat'], { templates: ['a photo'] }, ctx), {
    message: "--template 'a photo' has no {class} placeholder; write e.g. 'a blurry photo of a {class}.'",
  });
});
