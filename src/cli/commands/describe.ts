import type { Command } from 'commander';
import { writeJsonAtomic } from '../../core/atomic-write.js';
import { defaultCacheDir } from '../../text/class-embeddings.js';
import { parseClassNames } from '../../text/class-names.js';
import { questionSets } from '../../text/descriptions/cupl-questions.js';
import { describe, descriptionSources, type SourceOptions } from '../../text/descriptions/registry.js';
import type { CliCommand } from '../command.js';
import { count, file, integer, number, oneOf, outFile, outFolder, text, variadic } from '../option-parsers.js';

/** Declares the description-source flags (shared with `tgr embed`). */
export function addSourceOptions(cmd: Command): Command {
  const sources = Object.values(descriptionSources)
    .map((s) => `${s.name}: ${s.summary}`)
    .join('; ');
  return cmd
    .option(
      '--source <name>',
      `where descriptions come from — ${sources}`,
      oneOf(Object.keys(descriptionSources)),
      'wordnet',
    )
    .option('--cupl <file>', 'cupl: a CuPL-format JSON file {"class": ["sentence", …]}', file())
    .option(
      '--template <text...>',
      'template: templates with {class}, e.g. "a photo of a {class}." (repeatable)',
      variadic(text()),
    )
    .option('--wordnet-depth <n>', 'wordnet: hypernym levels to describe', integer(0, 20))
    .option(
      '--base-url <url>',
      'llm: OpenAI-compatible API root (Ollama: http://127.0.0.1:11434/v1)',
      text(),
      'https://api.openai.com/v1',
    )
    .option('--model <name>', 'llm: chat model name', text())
    .option(
      '--questions <set>',
      `llm: CuPL question set (${Object.keys(questionSets).join(', ')})`,
      oneOf(Object.keys(questionSets)),
      'objects',
    )
    .option('--kind <noun>', 'llm: super-category for --questions fine-grained, e.g. bird', text())
    .option('--n <count>', 'llm: answers per question', count(100), 10)
    .option('--temperature <t>', 'llm: sampling temperature', number(0, 2), 0.99)
    .option('--max-tokens <n>', 'llm: answer length limit', count(100_000), 50)
    .option('--concurrency <n>', 'llm: requests in flight', count(64), 4)
    .option('--retries <n>', 'llm: retries on 429/5xx/timeouts, with exponential back-off', integer(0, 100), 5)
    .option('--timeout <s>', 'llm: seconds per request', number(0, 86_400, true), 60)
    .option(
      '--api-key-env <name>',
      'llm: environment variable holding the API key (never stored)',
      text(),
      'OPENAI_API_KEY',
    )
    .option('--cache-dir <dir>', 'tgr cache root (default $TGR_CACHE or ~/.cache/tgr)', outFolder())
    .option('--quiet', 'no progress output');
}

/** The source options from parsed flags. */
export function sourceOptionsFromFlags(o: Record<string, unknown>): SourceOptions {
  return {
    file: o.cupl as string | undefined,
    templates: o.template as string[] | undefined,
    depth: o.wordnetDepth as number | undefined,
    baseUrl: o.baseUrl as string,
    model: o.model as string | undefined,
    questions: o.questions as string,
    kind: o.kind as string | undefined,
    n: o.n as number,
    temperature: o.temperature as number,
    maxTokens: o.maxTokens as number,
    concurrency: o.concurrency as number,
    retries: o.retries as number,
    timeoutMs: (o.timeout as number) * 1000,
    apiKeyEnv: o.apiKeyEnv as string,
  };
}

/** `tgr describe`: writes descriptions.json ({class: [sentence, …]}, CuPL's format) from a description source. */
export const describeCommand: CliCommand = {
  name: 'describe',
  summary: 'write descriptions.json {class: [sentences]} from an LLM, a CuPL file, WordNet or templates',
  configure: (cmd) =>
    addSourceOptions(
      cmd
        .requiredOption(
          '--classes <file|list>',
          'class names: a JSON array, a text file (one per line) or "cat,dog,…"',
          text(),
        )
        .requiredOption('--out <file>', 'where to write descriptions.json', outFile()),
    ),
  async run(_args, opts) {
    const classNames = parseClassNames(opts.classes as string);
    const cacheDir = (opts.cacheDir as string | undefined) ?? defaultCacheDir();
    const d = await describe(opts.source as string, classNames, sourceOptionsFromFlags(opts), {
      cacheDir,
      quiet: opts.quiet === true,
    });
    writeJsonAtomic(opts.out as string, d);
    const total = Object.values(d).reduce((s, l) => s + l.length, 0);
    console.log(`${opts.out}: ${classNames.length} classes, ${total} descriptions (source ${opts.source})`);
  },
};
