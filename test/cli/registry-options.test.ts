import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Command } from 'commander';
import type { DeclaresOptions } from '../../src/core/option-spec.js';
import {
  addRegistryOptions,
  choicesHelp,
  declaredOptions,
  optionsFromFlags,
  parserFor,
  specHelp,
} from '../../src/cli/registry-options.js';
import { buildProgram } from '../../src/cli/main.js';
import { errorModels } from '../../src/faults/error-models/registry.js';
import { formatFamilies, numberFormats } from '../../src/faults/formats/registry.js';
import { valueKindOf } from '../../src/cli/option-parsers.js';
import { descriptionSources } from '../../src/text/descriptions/registry.js';
import { encoders } from '../../src/text/encoders/registry.js';
import { heads } from '../../src/models/heads.js';

const table = {
  a: {
    name: 'a',
    options: {
      depth: { flag: 'depth', arg: 'n', value: { kind: 'integer', min: 0, max: 3 }, help: 'levels', default: 1 },
      timeoutMs: {
        flag: 'timeout',
        arg: 's',
        value: { kind: 'number', min: 0, max: 60, above: true },
        help: 'seconds',
        scale: 1000,
      },
      shared: { flag: 'shared', arg: 'path', value: { kind: 'path' }, help: 'a folder' },
    },
  },
  b: {
    name: 'b',
    options: {
      shared: { flag: 'shared', arg: 'path', value: { kind: 'path' }, help: 'a file' },
      quick: { flag: 'quick', help: 'skip the slow part' },
      words: { flag: 'word', arg: 'text', value: { kind: 'text' }, help: 'words', repeatable: true },
    },
  },
} satisfies Record<string, DeclaresOptions>;

const parse = (argv: string[]) => {
  const cmd = addRegistryOptions(new Command().exitOverride().configureOutput({ writeErr: () => {} }), table);
  cmd.parse(argv, { from: 'user' });
  return { cmd, opts: cmd.opts() };
};

test('registry options: one flag per declaration, help prefixed by every entry that reads it, in table order', () => {
  const { cmd } = parse([]);
  assert.deepEqual(
    cmd.options.map((o) => [o.flags, o.description]),
    [
      ['--depth <n>', 'a: levels'],
      ['--timeout <s>', 'a: seconds'],
      ['--shared <path>', 'a: a folder; b: a file'],
      ['--quick', 'b: skip the slow part'],
      ['--word <text...>', 'b: words'],
    ],
  );
  assert.deepEqual(valueKindOf(cmd.options[0]!), { kind: 'integer', min: 0, max: 3 });
  assert.deepEqual(valueKindOf(cmd.options[3]!), { kind: 'flag' });
});

test('registry options: parsed flags become each field, defaults filled, scaled, repeatable values listed', () => {
  const { opts } = parse(['--timeout', '2.5', '--shared', '.', '--quick', '--word', 'x', '--word', 'y']);
  assert.deepEqual(optionsFromFlags(table, opts), {
    depth: 1,
    timeoutMs: 2500,
    shared: '.',
    quick: true,
    words: ['x', 'y'],
  });
  assert.deepEqual(optionsFromFlags(table, parse([]).opts), { depth: 1 });
});

test('registry options: a bad value is refused by the declared kind', () => {
  assert.throws(() => parse(['--depth', '4']), /Expected a whole number from 0 to 3/);
  assert.throws(() => parse(['--timeout', '0']), /Expected a number above 0/);
});

test('registry options: two entries declaring one flag differently is an internal error naming both', () => {
  const clash = {
    ...table,
    c: { name: 'c', options: { shared: { flag: 'depth', arg: 'n', value: { kind: 'text' }, help: 'x' } } },
  };
  assert.throws(
    () => addRegistryOptions(new Command(), clash as Record<string, DeclaresOptions>),
    /--depth is declared differently by a and c/,
  );
});

test('parserFor: a switch has no parser; a repeatable value appends', () => {
  assert.equal(parserFor({ flag: 'quick', help: '' }), undefined);
  const p = parserFor(table.b.options.words)!;
  assert.deepEqual(p('y', ['x']), ['x', 'y']);
});

test('the real tables: description sources, encoders and heads declare options that build without a clash', () => {
  for (const t of [descriptionSources, encoders, heads] as Record<string, DeclaresOptions>[]) {
    const cmd = addRegistryOptions(new Command(), t);
    const declared = Object.values(t).flatMap((e) => Object.values(e.options).map((s) => `--${s!.flag}`));
    assert.deepEqual(
      cmd.options.map((o) => o.long),
      [...new Set(declared)],
    );
  }
});

test('parserFor: each declarable kind gets the parser of that kind, carrying the declaration', () => {
  const kinds = [
    { kind: 'integer', min: 1, max: 9 },
    { kind: 'number', min: 0, max: 1, above: true },
    { kind: 'enum', choices: ['a', 'b'] },
    { kind: 'file' },
    { kind: 'folder' },
    { kind: 'path' },
    { kind: 'out-file' },
    { kind: 'out-folder' },
    { kind: 'name' },
    { kind: 'text' },
  ] as const;
  for (const value of kinds)
    assert.deepEqual(parserFor({ flag: 'x', arg: 'v', value, help: '' })!.valueKind, value, value.kind);
  assert.equal(parserFor({ flag: 'x', arg: 'v', value: kinds[2], help: '' })!('b'), 'b');
});

test('specHelp: entries by name with [:K] when they declare a parameter, families by syntax, each parameter once', () => {
  const k = { name: 'K', value: { kind: 'integer', min: 1, max: 4 }, help: 'bits', default: 2 } as const;
  assert.equal(
    specHelp(
      { a: { help: 'first' }, b: { param: k }, c: { help: 'third', param: k } },
      { f: { syntax: 'f:N', help: 'fam' } },
    ),
    'a (first) | b[:K] | c[:K] (third); f:N (fam); K: bits, 1 to 4 (default 2)',
  );
});

test('specHelp of the real tables: every error model and format family is in the --error-model and --format help', () => {
  const models = specHelp(errorModels);
  for (const [name, e] of Object.entries(errorModels))
    assert.ok(models.includes(e.param ? `${name}[:${e.param.name}] (${e.help})` : `${name} (${e.help})`), name);
  assert.match(models, /; K: bits per fault, 1 to 32 \(default 2\)$/);
  const formats = specHelp(numberFormats, formatFamilies);
  assert.ok(formats.startsWith(Object.keys(numberFormats).join(' | ') + '; '));
  for (const f of Object.values(formatFamilies)) assert.ok(formats.includes(`${f.syntax} (${f.help})`), f.syntax);
});

test('choicesHelp: each choice in table order, its words in brackets when it has any', () => {
  assert.equal(choicesHelp({ none: '', bit: 'one stratum per bit' }), 'none | bit (one stratum per bit)');
  assert.equal(choicesHelp({}), '');
});

test('declaredOptions: the entries that declare options, named by their syntax; tgr emulate takes the format families’', () => {
  assert.deepEqual(Object.keys(declaredOptions(formatFamilies)), ['int']);
  const cmd = addRegistryOptions(new Command('x'), declaredOptions(formatFamilies));
  assert.deepEqual(
    cmd.options.map((o) => [o.long, o.description]),
    [
      ['--dataset', "int:K[:channel]: with :channel, the golden pass's dataset, when meta.json does not name it"],
      ['--data-dir', 'int:K[:channel]: with :channel, where that dataset is'],
    ],
  );
  const emulate = buildProgram().commands.find((c) => c.name() === 'emulate')!;
  for (const flag of ['--dataset', '--data-dir'])
    assert.ok(
      emulate.options.some((o) => o.long === flag),
      flag,
    );
});
