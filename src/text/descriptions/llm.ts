import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { check, lookup } from '../../core/errors.js';
import { writeJsonAtomic } from '../../core/atomic-write.js';
import { progress } from '../../core/progress.js';
import { chatCompletions, type ChatClientOptions } from './chat-client.js';
import { fillQuestion, questionSets } from './cupl-questions.js';
import type { Descriptions, DescriptionSource } from './types.js';

export interface LlmOptions {
  /** OpenAI-compatible API root; default https://api.openai.com/v1. */
  baseUrl?: string;
  model?: string;
  /** CuPL question set: objects (default), food, fine-grained. */
  questions?: string;
  /** Super-category for the fine-grained set ("bird", "car"). */
  kind?: string;
  /** Answers per question (CuPL: 10). */
  n?: number;
  /** CuPL: 0.99. */
  temperature?: number;
  /** CuPL: 50. */
  maxTokens?: number;
  concurrency?: number;
  retries?: number;
  timeoutMs?: number;
  backoffMs?: number;
  maxBackoffMs?: number;
  /** Environment variable holding the API key; default OPENAI_API_KEY. The key itself is never stored. */
  apiKeyEnv?: string;
}

/** CuPL's settings where it has them; the CLI shows the same defaults in its help. */
const defaults = {
  baseUrl: 'https://api.openai.com/v1',
  questions: 'objects',
  n: 10,
  temperature: 0.99,
  maxTokens: 50,
  concurrency: 4,
  retries: 5,
  timeoutMs: 60_000,
  apiKeyEnv: 'OPENAI_API_KEY',
};

/** Steers chat models to CuPL-like answers (CuPL used a completion model with stop="."). */
const systemPrompt = 'Answer in one or two short, visually descriptive sentences.';

/** One cache file: the answers for one (endpoint, model, question, class), grown when a rerun asks for more. */
interface CacheEntry {
  /** The API root that answered (files from before it was part of the key lack it, and are never found). */
  baseUrl: string;
  model: string;
  class: string;
  question: string;
  answers: string[];
}

/** `llm`: asks an OpenAI-compatible chat endpoint CuPL's questions about each class. */
export const llm: DescriptionSource<LlmOptions> = {
  name: 'llm',
  summary:
    "ask an OpenAI-compatible chat endpoint (OpenAI, Ollama, vLLM, llama.cpp) CuPL's questions; answers cached on disk",
  options: {
    baseUrl: {
      flag: 'base-url',
      arg: 'url',
      value: { kind: 'text' },
      help: 'OpenAI-compatible API root (Ollama: http://127.0.0.1:11434/v1)',
      default: defaults.baseUrl,
    },
    model: { flag: 'model', arg: 'name', value: { kind: 'text' }, help: 'chat model name' },
    questions: {
      flag: 'questions',
      arg: 'set',
      value: { kind: 'enum', choices: Object.keys(questionSets) },
      help: `CuPL question set (${Object.keys(questionSets).join(', ')})`,
      default: defaults.questions,
    },
    kind: {
      flag: 'kind',
      arg: 'noun',
      value: { kind: 'text' },
      help: 'super-category for --questions fine-grained, e.g. bird',
    },
    n: {
      flag: 'n',
      arg: 'count',
      value: { kind: 'integer', min: 1, max: 100 },
      help: 'answers per question',
      default: defaults.n,
    },
    temperature: {
      flag: 'temperature',
      arg: 't',
      value: { kind: 'number', min: 0, max: 2 },
      help: 'sampling temperature',
      default: defaults.temperature,
    },
    maxTokens: {
      flag: 'max-tokens',
      arg: 'n',
      value: { kind: 'integer', min: 1, max: 100_000 },
      help: 'answer length limit',
      default: defaults.maxTokens,
    },
    concurrency: {
      flag: 'concurrency',
      arg: 'n',
      value: { kind: 'integer', min: 1, max: 64 },
      help: 'requests in flight',
      default: defaults.concurrency,
    },
    retries: {
      flag: 'retries',
      arg: 'n',
      value: { kind: 'integer', min: 0, max: 100 },
      help: 'retries on 429/5xx/timeouts, with exponential back-off',
      default: defaults.retries,
    },
    timeoutMs: {
      flag: 'timeout',
      arg: 's',
      value: { kind: 'number', min: 0, max: 86_400, above: true },
      help: 'seconds per request',
      default: defaults.timeoutMs / 1000,
      scale: 1000,
    },
    apiKeyEnv: {
      flag: 'api-key-env',
      arg: 'name',
      value: { kind: 'text' },
      help: 'environment variable holding the API key (never stored)',
      default: defaults.apiKeyEnv,
    },
  },
  async describe(classNames, o, ctx) {
    const model = o.model;
    check(model, 'bad_argument', () => 'source llm needs --model NAME (e.g. gpt-4o-mini, or llama3.1 on Ollama)');
    const set = lookup(
      questionSets,
      o.questions ?? defaults.questions,
      'question set (--questions)',
    ) as readonly string[];
    check(
      o.questions !== 'fine-grained' || o.kind,
      'bad_argument',
      () => '--questions fine-grained needs --kind NOUN (the super-category, e.g. bird)',
    );
    const n = o.n ?? defaults.n;
    check(Number.isInteger(n) && n >= 1, 'bad_argument', () => `--n must be a positive integer, got ${n}`);
    const apiKeyEnv = o.apiKeyEnv ?? defaults.apiKeyEnv;
    const client: ChatClientOptions = {
      baseUrl: endpoint(o.baseUrl ?? defaults.baseUrl),
      apiKey: process.env[apiKeyEnv] || undefined,
      apiKeyEnv,
      retries: o.retries ?? defaults.retries,
      timeoutMs: o.timeoutMs ?? defaults.timeoutMs,
      backoffMs: o.backoffMs ?? 1_000,
      maxBackoffMs: o.maxBackoffMs ?? 30_000,
    };
    const jobs = classNames.flatMap((c) =>
      set.map((q) => ({ className: c, question: fillQuestion(q, c, o.kind ?? 'object') })),
    );
    const answers = new Map<string, string[]>();
    const bar = progress({ label: 'llm', total: jobs.length, unit: 'questions', quiet: ctx.quiet });
    await forEachLimit(jobs, o.concurrency ?? defaults.concurrency, async (job) => {
      const path = join(ctx.cacheDir, 'llm', `${cacheKey(client.baseUrl, model, job.question, job.className)}.json`);
      const entry = readEntry(path) ?? {
        baseUrl: client.baseUrl,
        model,
        class: job.className,
        question: job.question,
        answers: [],
      };
      // A server that ignores `n` (Ollama, llama.cpp) answers once per request: ask again for the rest, n times at
      // most.
      for (let tries = 0; entry.answers.length < n && tries < n; tries++) {
        const got = await chatCompletions(
          {
            model,
            messages: [
              { role: 'system', content: systemPrompt },
              { role: 'user', content: job.question },
            ],
            n: n - entry.answers.length,
            temperature: o.temperature ?? defaults.temperature,
            max_tokens: o.maxTokens ?? defaults.maxTokens,
          },
          client,
        );
        entry.answers.push(...got.map(cleanAnswer).filter((a) => a !== ''));
        writeJsonAtomic(path, entry);
      }
      answers.set(`${job.className}\u0000${job.question}`, entry.answers.slice(0, n));
      bar.tick();
    });
    bar.done();
    const out: Descriptions = {};
    for (const job of jobs) (out[job.className] ??= []).push(...answers.get(`${job.className}\u0000${job.question}`)!);
    return out;
  },
};

/** A cache entry, or null when absent or unreadable (then it is asked again and rewritten). */
function readEntry(path: string): CacheEntry | null {
  if (!existsSync(path)) return null;
  try {
    const e = JSON.parse(readFileSync(path, 'utf8')) as CacheEntry;
    return Array.isArray(e.answers) && e.answers.every((a) => typeof a === 'string') ? e : null;
  } catch {
    return null;
  }
}

/**
 * Cache file name for (endpoint, model, question, class). The endpoint is part of it because a model name is only
 * unique per server: Ollama's "llama3.1" and a vLLM's may be different weights.
 */
export function cacheKey(baseUrl: string, model: string, question: string, className: string): string {
  return createHash('sha256')
    .update(JSON.stringify([endpoint(baseUrl), model, question, className]))
    .digest('hex')
    .slice(0, 32);
}

/** The API root as requests use it: trailing slashes dropped, so `…/v1/` and `…/v1` share answers. */
function endpoint(baseUrl: string): string {
  return baseUrl.replace(/\/+$/, '');
}

/** One answer as a description: single-spaced, no list marker or wrapping quotes, ending in punctuation. */
export function cleanAnswer(a: string): string {
  let s = a
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^(?:[-*•]|\d+[.)])\s+/, '')
    .replace(/^"(.*)"$/, '$1')
    .trim();
  if (s !== '' && !/[.!?]$/.test(s)) s += '.';
  return s;
}

/** Runs `fn` over items with at most `limit` in flight; the first failure stops new work and is rethrown. */
async function forEachLimit<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const item = items[next++]!;
      try {
        await fn(item);
      } catch (e) {
        failed = true;
        throw e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}
