import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cacheKey, cleanAnswer, llm, type LlmOptions } from '../../../src/text/descriptions/llm.js';
import { writeJsonAtomic } from '../../../src/core/atomic-write.js';

const SECRET = 'sk-test-0123456789-do-not-store';

interface Seen {
  body: Record<string, unknown>;
  auth: string | undefined;
}

/** A chat-completions server on 127.0.0.1 that answers with `reply` and refuses after 200 requests. */
async function chatServer(reply: (body: Record<string, unknown>, i: number, res: ServerResponse) => void) {
  const seen: Seen[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      if (seen.length >= 200 || req.url !== '/v1/chat/completions' || req.method !== 'POST')
        return void res.writeHead(404).end();
      const body = JSON.parse(raw) as Record<string, unknown>;
      seen.push({ body, auth: req.headers.authorization });
      reply(body, seen.length - 1, res);
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  const close = () => {
    server.closeAllConnections();
    return new Promise<void>((ok) => server.close(() => ok()));
  };
  return { url, seen, close };
}

/** A well-formed answer with `n` choices naming the question. */
function answer(body: Record<string, unknown>, res: ServerResponse, n = Number(body.n)) {
  const q = (body.messages as { content: string }[])[1]!.content;
  const choices = Array.from({ length: n }, (_, i) => ({
    index: i,
    message: { role: 'assistant', content: ` answer ${i} to: ${q}\n` },
  }));
  res
    .writeHead(200, { 'content-type': 'application/json' })
    .end(JSON.stringify({ id: 'x', object: 'chat.completion', choices }));
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((f) =>
    statSync(join(dir, f)).isDirectory() ? filesUnder(join(dir, f)) : [join(dir, f)],
  );
}

const fast: LlmOptions = { model: 'test-model', backoffMs: 1, maxBackoffMs: 5, timeoutMs: 2000, concurrency: 1 };

test('llm: sends CuPL questions as chat requests with the key from the environment, caches, and a rerun asks nothing', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tgr-llm-'));
  const srv = await chatServer((body, _i, res) => answer(body, res));
  t.after(async () => {
    await srv.close();
    rmSync(dir, { recursive: true, force: true });
    delete process.env.TGR_TEST_KEY;
  });
  process.env.TGR_TEST_KEY = SECRET;
  const opts: LlmOptions = { ...fast, baseUrl: srv.url, n: 2, concurrency: 3, apiKeyEnv: 'TGR_TEST_KEY' };
  const ctx = { cacheDir: join(dir, 'cache'), quiet: true };
  const d = await llm.describe(['cat', 'owl'], opts, ctx);
  assert.equal(srv.seen.length, 10);
  assert.ok(srv.seen.every((s) => s.auth === `Bearer ${SECRET}`));
  const questions = srv.seen.map((s) => (s.body.messages as { content: string }[])[1]!.content).sort();
  assert.deepEqual(
    questions.filter((q) => q.includes('owl')),
    [
      'A caption of an image of an owl:',
      'Describe an image from the internet of an owl',
      'Describe what an owl looks like',
      'How can you identify an owl?',
      'What does an owl look like?',
    ],
  );
  assert.deepEqual(srv.seen[0]!.body, {
    model: 'test-model',
    messages: [
      { role: 'system', content: 'Answer in one or two short, visually descriptive sentences.' },
      { role: 'user', content: (srv.seen[0]!.body.messages as { content: string }[])[1]!.content },
    ],
    n: 2,
    temperature: 0.99,
    max_tokens: 50,
  });
  assert.equal(d.cat!.length, 10);
  assert.deepEqual(d.cat!.slice(0, 2), [
    'answer 0 to: Describe what a cat looks like.',
    'answer 1 to: Describe what a cat looks like.',
  ]);

  const again = await llm.describe(['cat', 'owl'], opts, ctx);
  assert.equal(srv.seen.length, 10, 'a rerun hits the cache only');
  assert.deepEqual(again, d);
  const fewer = await llm.describe(['cat'], { ...opts, n: 1 }, ctx);
  assert.equal(srv.seen.length, 10);
  assert.equal(fewer.cat!.length, 5);

  writeJsonAtomic(join(dir, 'descriptions.json'), d);
  const files = filesUnder(dir);
  assert.equal(files.length, 11);
  for (const f of files) assert.ok(!readFileSync(f, 'utf8').includes(SECRET), `${f} holds the API key`);
});

test('llm: retries 429 and 500 with back-off, then succeeds', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tgr-llm-'));
  const srv = await chatServer((body, i, res) => {
    if (i === 0) return void res.writeHead(429, { 'retry-after': '0' }).end('{"error":"slow down"}');
    if (i === 1) return void res.writeHead(500).end('boom');
    answer(body, res);
  });
  t.after(async () => {
    await srv.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const d = await llm.describe(
    ['cat'],
    { ...fast, baseUrl: srv.url, n: 1, questions: 'food' },
    { cacheDir: dir, quiet: true },
  );
  assert.equal(srv.seen.length, 5); // 2 failures + 3 food questions
  assert.deepEqual(d.cat, [
    'answer 0 to: Describe what a cat looks like.',
    'answer 0 to: Visually describe a cat.',
    'answer 0 to: How can you tell that the food in this photo is a cat?',
  ]);
});

test('llm: gives up after the retries with a one-line error', async (t) => {
  const srv = await chatServer((_b, _i, res) => void res.writeHead(503).end('overloaded'));
  t.after(() => srv.close());
  const dir = mkdtempSync(join(tmpdir(), 'tgr-llm-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  await assert.rejects(
    llm.describe(['cat'], { ...fast, baseUrl: srv.url, retries: 2 }, { cacheDir: dir, quiet: true }),
    {
      code: 'network',
      message: `${srv.url}/chat/completions: gave up after 3 attempts (last: HTTP 503 overloaded); retry later or raise --retries/--timeout`,
    },
  );
  assert.equal(srv.seen.length, 3);
});

test('llm: a server that does not answer in time is retried, then reported', async (t) => {
  const srv = await chatServer(() => {}); // never answers
  t.after(() => srv.close());
  const dir = mkdtempSync(join(tmpdir(), 'tgr-llm-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  await assert.rejects(
    llm.describe(['cat'], { ...fast, baseUrl: srv.url, retries: 1, timeoutMs: 100 }, { cacheDir: dir, quiet: true }),
    {
      message: /gave up after 2 attempts \(last: no answer within 0.1s\)/,
    },
  );
  assert.equal(srv.seen.length, 2);
});

test('llm: a malformed answer is a one-line error, not retried', async (t) => {
  const srv = await chatServer((_b, _i, res) => void res.writeHead(200).end('{"choices": [oops'));
  t.after(() => srv.close());
  const dir = mkdtempSync(join(tmpdir(), 'tgr-llm-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  await assert.rejects(llm.describe(['cat'], { ...fast, baseUrl: srv.url }, { cacheDir: dir, quiet: true }), {
    code: 'network',
    message: `${srv.url}/chat/completions: malformed chat-completions answer (not JSON: "{\\"choices\\": [oops"); expected {"choices":[{"message":{"content":"…"}}]} — is --base-url an OpenAI-compatible /v1 endpoint?`,
  });
  assert.equal(srv.seen.length, 1);
});

test('llm: a server that ignores n is asked again; 401 names the key variable but not the key', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tgr-llm-'));
  const srv = await chatServer((body, _i, res) => answer(body, res, 1));
  t.after(async () => {
    await srv.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const d = await llm.describe(
    ['ox'],
    { ...fast, baseUrl: srv.url, n: 3, questions: 'fine-grained', kind: 'bovine' },
    { cacheDir: dir, quiet: true },
  );
  assert.equal(srv.seen.length, 18);
  assert.deepEqual(
    srv.seen.slice(0, 3).map((s) => s.body.n),
    [3, 2, 1],
  );
  assert.equal(d.ox![0], 'answer 0 to: Describe what an ox, a species of bovine, looks like.');

  const deny = await chatServer((_b, _i, res) => void res.writeHead(401).end(`{"error":"bad key ${SECRET}"}`));
  t.after(() => deny.close());
  process.env.TGR_TEST_KEY2 = SECRET;
  t.after(() => delete process.env.TGR_TEST_KEY2);
  await assert.rejects(
    llm.describe(['cat'], { ...fast, baseUrl: deny.url, apiKeyEnv: 'TGR_TEST_KEY2' }, { cacheDir: dir, quiet: true }),
    (e: Error) => {
      assert.equal(
        e.message,
        `${deny.url}/chat/completions: HTTP 401 {"error":"bad key ***"}; set the API key in TGR_TEST_KEY2 (or name another variable with --api-key-env)`,
      );
      return true;
    },
  );
});

test('llm: the cache is per endpoint: another server with the same model name is asked, and old entries simply miss', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tgr-llm-'));
  const first = await chatServer((body, _i, res) => answer(body, res));
  const second = await chatServer((body, _i, res) => answer(body, res));
  t.after(async () => {
    await first.close();
    await second.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const ctx = { cacheDir: join(dir, 'cache'), quiet: true };
  const question = 'Describe what a cat looks like';
  // An entry as the cache wrote it before the endpoint joined the key: (model, question, class) only.
  const oldKey = createHash('sha256')
    .update(JSON.stringify(['test-model', question, 'cat']))
    .digest('hex')
    .slice(0, 32);
  writeJsonAtomic(join(ctx.cacheDir, 'llm', `${oldKey}.json`), {
    model: 'test-model',
    class: 'cat',
    question,
    answers: ['stale.'],
  });

  const a = await llm.describe(['cat'], { ...fast, baseUrl: first.url, n: 1 }, ctx);
  assert.equal(first.seen.length, 5, 'the old entry is not used');
  assert.ok(!a.cat!.includes('stale.'));
  const b = await llm.describe(['cat'], { ...fast, baseUrl: second.url, n: 1 }, ctx);
  assert.equal(second.seen.length, 5, "the second endpoint is asked, not answered from the first one's cache");
  assert.deepEqual(b, a);
  await llm.describe(['cat'], { ...fast, baseUrl: `${first.url}/`, n: 1 }, ctx);
  assert.equal(first.seen.length, 5, 'a trailing slash names the same endpoint');
  const entry = JSON.parse(
    readFileSync(join(ctx.cacheDir, 'llm', `${cacheKey(second.url, 'test-model', question, 'cat')}.json`), 'utf8'),
  );
  assert.deepEqual(entry, {
    baseUrl: second.url,
    model: 'test-model',
    class: 'cat',
    question,
    answers: [`answer 0 to: ${question}.`],
  });
  assert.equal(readdirSync(join(ctx.cacheDir, 'llm')).length, 11);
});

test('llm: option errors are one line', async () => {
  const ctx = { cacheDir: tmpdir(), quiet: true };
  await assert.rejects(llm.describe(['cat'], {}, ctx), {
    message: 'source llm needs --model NAME (e.g. gpt-4o-mini, or llama3.1 on Ollama)',
  });
  await assert.rejects(llm.describe(['cat'], { model: 'm', questions: 'birds' }, ctx), {
    code: 'unknown_name',
    message: "unknown question set (--questions) 'birds'; choose one of: objects, food, fine-grained",
  });
  await assert.rejects(llm.describe(['cat'], { model: 'm', questions: 'fine-grained' }, ctx), {
    message: /needs --kind NOUN/,
  });
});

test('cleanAnswer: single-spaced, list markers and wrapping quotes dropped, a full stop added when missing', () => {
  assert.equal(cleanAnswer('  - A   small\n dog  '), 'A small dog.');
  assert.equal(cleanAnswer('2) "It has fur!"'), 'It has fur!');
  assert.equal(cleanAnswer('• Is it a cat?'), 'Is it a cat?');
  assert.equal(cleanAnswer('3.5 inches long'), '3.5 inches long.');
  assert.equal(cleanAnswer(' \n '), '');
});
