import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { Job } from 'kubernetes-models/batch/v1/Job';

/* docs/scaling.md's Kubernetes manifest, checked without a cluster: schema, and the same command line as Slurm's. */

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const manifestPath = join(root, 'examples', 'kubernetes', 'inject-job.yaml');
const jobs = () => parseAllDocuments(readFileSync(manifestPath, 'utf8')).map((d) => d.toJS());

test('the Kubernetes manifest is two valid batch/v1 Jobs; a wrong field type or enum value is caught', () => {
  const docs = jobs();
  assert.deepEqual(
    docs.map((d) => d.metadata.name),
    ['tgr-inject-resnet20-fp32', 'tgr-merge-resnet20-fp32'],
  );
  for (const d of docs) new Job(d).validate();
  const badMode = structuredClone(docs[0]);
  badMode.spec.completionMode = 'Sorted';
  assert.throws(() => new Job(badMode).validate(), /completionMode must be equal to one of the allowed values/);
  const badCount = structuredClone(docs[0]);
  badCount.spec.parallelism = '16';
  assert.throws(() => new Job(badCount).validate(), /parallelism must be integer/);
});

test('docs/scaling.md shows the job files whole, as they are', () => {
  const doc = readFileSync(join(root, 'docs', 'scaling.md'), 'utf8');
  for (const f of [
    'examples/slurm/inject.sbatch',
    'examples/slurm/merge.sbatch',
    'examples/kubernetes/inject-job.yaml',
  ])
    assert.ok(doc.includes(readFileSync(join(root, f), 'utf8')), `docs/scaling.md does not show ${f} as it is`);
});

test("each Kubernetes pod runs the Slurm array task's tgr command line (index 3 of 16, 2 CPUs)", () => {
  // A stand-in `tgr` on PATH prints its arguments one per line; both launchers run through it.
  const bin = mkdtempSync(join(tmpdir(), 'tgr-argv-'));
  try {
    writeFileSync(join(bin, 'tgr'), '#!/bin/sh\nfor a in "$@"; do printf "%s\\n" "$a"; done\n');
    chmodSync(join(bin, 'tgr'), 0o755);
    const env = { PATH: `${bin}:${process.env.PATH}` };
    const pod = jobs()[0].spec.template.spec.containers[0];
    assert.equal(pod.resources.requests.cpu, '2');
    const k8s = spawnSync(pod.command[0], [...pod.command.slice(1), ...pod.args], {
      encoding: 'utf8',
      env: { ...env, JOB_COMPLETION_INDEX: '3' },
    });
    const slurm = spawnSync('bash', [join(root, 'examples', 'slurm', 'inject.sbatch')], {
      encoding: 'utf8',
      env: { ...env, SLURM_ARRAY_TASK_ID: '3', SLURM_ARRAY_TASK_COUNT: '16', SLURM_CPUS_PER_TASK: '2' },
    });
    assert.equal(k8s.status, 0, k8s.stderr);
    assert.equal(slurm.status, 0, slurm.stderr);
    assert.equal(k8s.stdout, slurm.stdout);
    assert.match(
      slurm.stdout,
      /^inject\n\/shared\/runs\/cifar10-resnet20\n--per-layer\n4096\n.*--shard\n3\/16\n--threads\n2\n--quiet\n$/s,
    );
  } finally {
    rmSync(bin, { recursive: true, force: true });
  }
});
