import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { jsonDocumentSchemas, jsonSchemaOf, type JsonCommand } from '../../src/cli/json-documents.js';

const schemaDir = new URL('../../docs/json-schema/', import.meta.url);

test('docs/json-schema holds one JSON Schema per --json command, as the document schemas give it (npm run json-schemas)', () => {
  const commands = Object.keys(jsonDocumentSchemas) as JsonCommand[];
  assert.deepEqual(commands, ['inspect', 'models', 'plan', 'inject', 'merge', 'compare']);
  assert.deepEqual(readdirSync(schemaDir).sort(), commands.map((c) => `${c}.schema.json`).sort());
  for (const c of commands)
    assert.equal(
      readFileSync(new URL(`${c}.schema.json`, schemaDir), 'utf8'),
      `${JSON.stringify(jsonSchemaOf(c), null, 2)}\n`,
      `docs/json-schema/${c}.schema.json is stale: run npm run json-schemas`,
    );
});

test('a schema fixes the command, refuses fields it does not declare, and reads null numbers as NaN', () => {
  const inject = jsonSchemaOf('inject') as { properties: { command: unknown }; additionalProperties: boolean };
  assert.deepEqual(inject.properties.command, { type: 'string', const: 'inject' });
  assert.equal(inject.additionalProperties, false);
  const doc = { tgr: '0.1.0', command: 'merge', run: 'r', campaign: 'fp32', shards: 2, records: 0, summary: null };
  const files = { plan: 'p', faults: 'f', summary: null, summaryCsv: null };
  assert.equal(jsonDocumentSchemas.merge.safeParse({ ...doc, files }).success, true);
  assert.equal(jsonDocumentSchemas.merge.safeParse({ ...doc, files, extra: 1 }).success, false);
  assert.equal(jsonDocumentSchemas.inject.safeParse({ ...doc, files }).success, false);
  const ratio = { ratio: 2, lower: null, upper: null, method: 'fieller', bounds: 'unbounded' };
  const row = { campaign: 'fp32', metrics: [], layers: [{ layer: 'conv1', improvement: ratio }] };
  const model = { run: 'b', head: 'linear', accuracy: 1, images: 4 };
  const compare = jsonDocumentSchemas.compare.parse({
    tgr: '0.1.0',
    command: 'compare',
    out: 'o',
    files: { analysisJson: 'analysis.json', html: 'report/index.html' },
    verdict: { reproduced: 'no', sentence: 's' },
    models: { baseline: model, textGuided: model },
    campaigns: [row],
  });
  assert.deepEqual(compare.campaigns[0]!.layers[0]!.improvement, { ...ratio, lower: NaN, upper: NaN });
});
