import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { mallocTunables, relaunchTuned, tunedEnv, wantsTunables, watchParent } from '../../bin/glibc-tunables.js';

const tgr = fileURLToPath(new URL('../../bin/tgr.js', import.meta.url));
/** A preload that prints, in every process it starts in, the GLIBC_TUNABLES it sees (execArgv reaches the relaunch). */
const printEnv = 'data:text/javascript,process.stderr.write(`env ${process.env.GLIBC_TUNABLES}\\n`)';

/** Runs bin/tgr.js with `args` under `env` (GLIBC_TUNABLES removed unless given), from the sources. */
function run(args: string[], extra: Record<string, string> = {}, preload = printEnv) {
  const env: NodeJS.ProcessEnv = { ...process.env, TGR_FROM_SOURCE: '1', ...extra };
  if (!('GLIBC_TUNABLES' in extra)) delete env.GLIBC_TUNABLES;
  return spawnSync(process.execPath, ['--import', preload, tgr, ...args], { env, encoding: 'utf8' });
}

test('wantsTunables: on Linux when GLIBC_TUNABLES is unset; a user’s own value, even empty, is kept', () => {
  assert.equal(wantsTunables({}, 'linux'), true);
  assert.equal(wantsTunables({ GLIBC_TUNABLES: '' }, 'linux'), false);
  assert.equal(wantsTunables({ GLIBC_TUNABLES: 'glibc.malloc.check=0' }, 'linux'), false);
  assert.equal(wantsTunables({}, 'darwin'), false);
  assert.deepEqual(tunedEnv({ A: '1' }), { A: '1', GLIBC_TUNABLES: mallocTunables });
  assert.equal(
    mallocTunables,
    'glibc.malloc.hugetlb=1:glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=4294967296:glibc.malloc.top_pad=268435456',
  );
});

test(
  'bin/tgr.js runs the command again under the tunables, with the same flags, output and exit code',
  { skip: process.platform !== 'linux' },
  () => {
    const r = run(['plan', '--per-layer', '0']);
    // The first process sees none and relaunches; the second runs the command under the tunables and fails in one line.
    assert.deepEqual(r.stderr.split('\n').slice(0, 2), ['env undefined', `env ${mallocTunables}`]);
    assert.match(r.stderr.split('\n')[2]!, /^tgr: option '--per-layer <n>' argument '0' is invalid/);
    assert.equal(r.stderr.split('\n').length, 4);
    assert.equal(r.status, 2);
    // A value the user set stays, and there is no second process.
    const own = run(['plan', '--per-layer', '0'], { GLIBC_TUNABLES: '' });
    assert.equal(own.stderr.split('\n')[0], 'env ');
    assert.equal(own.stderr.split('\n').filter((l) => l.startsWith('env')).length, 1);
    assert.equal(own.status, 2);
  },
);

test(
  'a relaunched command killed by a signal ends its parent by the same signal',
  { skip: process.platform !== 'linux' },
  () => {
    const dies = 'data:text/javascript,if (process.env.GLIBC_TUNABLES) process.kill(process.pid, "SIGTERM")';
    const r = run(['--help'], {}, dies);
    assert.deepEqual([r.status, r.signal], [null, 'SIGTERM']);
  },
);

test('a relaunched command whose parent is killed with SIGKILL ends itself; its own children do not watch', async () => {
  const module = new URL('../../bin/glibc-tunables.js', import.meta.url).href;
  // The parent starts a child that watches it (as a relaunch does), prints the child's pid, and idles.
  const child = `import(${JSON.stringify(module)}).then((m) => { m.watchParent(); setInterval(() => {}, 1000); })`;
  const parent = `const c = require('node:child_process').spawn(process.execPath, ['-e', ${JSON.stringify(child)}], { stdio: 'ignore', env: { ...process.env, TGR_RELAUNCHED_BY: String(process.pid) } }); console.log(c.pid); setInterval(() => {}, 1000);`;
  const p = spawn(process.execPath, ['-e', parent], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [line] = (await once(p.stdout, 'data')) as [Buffer];
  const pid = Number(line.toString().trim());
  const alive = () => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  assert.ok(alive(), 'the child runs while its parent does');
  p.kill('SIGKILL');
  let waited = 0;
  while (alive() && waited < 20_000) waited += (await sleep(100), 100);
  assert.ok(!alive(), `child ${pid} still runs after its parent was killed`);
  // The variable is taken out of the environment, so grandchildren inherit nothing to watch.
  const env: NodeJS.ProcessEnv = { TGR_RELAUNCHED_BY: String(process.ppid), A: '1' };
  watchParent(env);
  assert.deepEqual(env, { A: '1' });
});

test('a relaunch that cannot start resolves, so the command runs in this process, and leaves no signal handler', async () => {
  const before = ['SIGINT', 'SIGTERM', 'SIGHUP'].map((s) => process.listenerCount(s));
  const noExec = ((cmd: string, args: string[], opts: object) =>
    spawn('/nonexistent/node', args, opts)) as unknown as typeof spawn;
  await relaunchTuned(noExec);
  assert.deepEqual(
    ['SIGINT', 'SIGTERM', 'SIGHUP'].map((s) => process.listenerCount(s)),
    before,
  );
});
