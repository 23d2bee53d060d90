import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir } from '../data/fixtures.js';

const root = join(import.meta.dirname, '..', '..');
const run = (cmd: string, args: string[], cwd: string) =>
  execFileSync(cmd, args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });

/**
 * A project that depends on the tarball, locked to the versions this repository's lockfile pins: `npm ci` leaves
 * package tarballs in npm's cache but not the registry's version lists, so only a locked install can run offline.
 */
function lockedProject(dir: string, tarball: string): void {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { dev?: boolean }>;
  };
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<string, unknown>;
  const dep = `file:${tarball}`;
  const packages: Record<string, unknown> = {
    '': { name: 'consumer', version: '1.0.0', dependencies: { [pkg.name as string]: dep } },
    [`node_modules/${pkg.name as string}`]: {
      version: pkg.version,
      resolved: dep,
      dependencies: pkg.dependencies,
      bin: pkg.bin,
      engines: pkg.engines,
    },
  };
  for (const [k, v] of Object.entries(lock.packages)) if (k && !v.dev) packages[k] = v;
  const manifest = {
    name: 'consumer',
    version: '1.0.0',
    type: 'module',
    private: true,
    dependencies: { [pkg.name as string]: dep },
  };
  writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
  writeFileSync(
    join(dir, 'package-lock.json'),
    JSON.stringify({ name: 'consumer', version: '1.0.0', lockfileVersion: 3, requires: true, packages }, null, 2),
  );
}

test('npm pack (prepack builds dist), offline install into an empty project, and the library example runs there', async () => {
  const dir = tempDir('pack');
  const file = run('npm', ['pack', '--silent', '--pack-destination', dir], root).trim().split('\n').pop()!;
  const tarball = join(dir, file);
  const listing = run('tar', ['tzf', tarball], dir).split('\n');
  assert.ok(listing.includes('package/dist/index.js') && listing.includes('package/dist/index.d.ts'));
  assert.ok(listing.includes('package/bin/tgr.js') && listing.includes('package/docs/API.md'));
  assert.deepEqual(
    listing.filter((f) => /^package\/(src|test|bench|scripts)\/|\.map$/.test(f)),
    [],
    'no sources, tests, benches or source maps in the tarball',
  );
  const project = join(dir, 'consumer');
  run('mkdir', [project], dir);
  lockedProject(project, tarball);
  run('npm', ['ci', '--offline', '--no-audit', '--no-fund'], project);
  copyFileSync(join(root, 'examples', 'library-campaign.mjs'), join(project, 'example.mjs'));
  const out = JSON.parse(run('node', ['example.mjs', join(dir, 'out')], project)) as {
    campaign: string;
    layers: { layer: string; n: number; sdc: { method: string; lower: number; upper: number } }[];
    overall: { sdc: { value: number } };
  };
  assert.equal(out.campaign, join(dir, 'out', 'campaign', 'fp32'));
  assert.equal(out.layers[0]!.layer, 'conv1');
  assert.equal(out.layers.at(-1)!.layer, 'fc');
  for (const l of out.layers) {
    assert.equal(l.n, 8);
    assert.equal(l.sdc.method, 'clopper-pearson');
    assert.ok(l.sdc.lower <= l.sdc.upper);
  }
  assert.ok(Number.isFinite(out.overall.sdc.value));
});
