import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe } from '../../../src/text/descriptions/registry.js';

const dir = mkdtempSync(join(tmpdir(), 'tgr-desc-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));
const ctx = { cacheDir: dir, quiet: true };

test('an unknown source lists the ones that exist', async () => {
  await assert.rejects(describe('gpt', ['cat'], {}, ctx), {
    code: 'unknown_name',
    message: "unknown description source 'gpt'; choose one of: llm, cupl, wordnet, template",
  });
});
