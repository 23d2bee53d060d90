import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { engineVersion } from '../../../src/engine/session.js';
import { runCli } from '../run-cli.js';

test('tgr version prints the package version and the ONNX Runtime version, nothing else', async () => {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  const r = await runCli('version');
  assert.equal(r.code, 0);
  assert.equal(r.out, `tgr ${pkg.version} (onnxruntime-node ${engineVersion()})\n`);
  assert.match(engineVersion(), /^\d+\.\d+\.\d+/);
  assert.equal(r.err, '');
});
