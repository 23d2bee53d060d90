/**
 * Child process for the kill -9 test: rebuilds the test fixture (deterministic), reads DIR/plan.json and runs the
 * campaign into DIR, printing 'started' when the run begins.  Usage: node --import tsx campaign-child.ts DIR
 */
import { join } from 'node:path';
import { readPlan } from '../../src/faults/plan/plan-file.js';
import { runCampaign } from '../../src/faults/run/runner.js';
import { parseShard } from '../../src/faults/plan/shard.js';
import { residualNet } from './nets.js';
import { fixture } from './fixtures.js';

const [dir, shard] = process.argv.slice(2);
const fx = await fixture(residualNet({ size: 16, width: 8 }), 24);
const plan = readPlan(join(dir!, 'plan.json'));
process.stdout.write('started\n');
await runCampaign({ ...fx, plan, dir: dir!, quiet: true, threads: 1, ...(shard ? { shard: parseShard(shard) } : {}) });
process.stdout.write('done\n');
