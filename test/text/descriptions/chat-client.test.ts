import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TgrError } from '../../../src/core/errors.js';
import {
  chatCompletions,
  type ChatClientOptions,
  type ChatRequest,
} from '../../../src/text/descriptions/chat-client.js';

interface Seen {
  url: string;
  headers: IncomingMessage['headers'];
  body: unknown;
}

/** A server on 127.0.0.1 answering every request with `reply`'s status and body; records what it got. */
async function server(reply: (i: number) => [number, string]) {
  const seen: Seen[] = [];
  const s = createServer((req: IncomingMessage, res: ServerResponse) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      seen.push({ url: req.url!, headers: req.headers, body: JSON.parse(raw) });
      const [status, body] = reply(seen.length - 1);
      res.writeHead(status).end(body);
    });
  });
  await new Promise<void>((ok) => s.listen(0, '127.0.0.1', ok));
  const base = `http://127.0.0.1:${(s.address() as AddressInfo).port}/v1`;
  const close = () => new Promise<void>((ok) => (s.closeAllConnections(), s.close(() => ok())));
  return { base, seen, close };
}

const req: ChatRequest = {
  model: 'm',
  messages: [
    { role: 'system', content: 'be brief' },
    { role: 'user', content: 'describe a cat' },
  ],
  n: 2,
  temperature: 0.99,
  max_tokens: 50,
};
const opts = (baseUrl: string, over: Partial<ChatClientOptions> = {}): ChatClientOptions => ({
  baseUrl,
  apiKeyEnv: 'TEST_KEY',
  retries: 0,
  timeoutMs: 5000,
  backoffMs: 1,
  maxBackoffMs: 2,
  ...over,
});
const ok = (...contents: unknown[]) =>
  JSON.stringify({ choices: contents.map((content) => ({ message: { content } })) });

test('posts the request as JSON to BASE/chat/completions and returns each choice’s text in order', async (t) => {
  const srv = await server(() => [200, ok('a cat is small.', 'whiskers.')]);
  t.after(srv.close);
  assert.deepEqual(await chatCompletions(req, opts(`${srv.base}//`)), ['a cat is small.', 'whiskers.']);
  assert.equal(srv.seen[0]!.url, '/v1/chat/completions');
  assert.deepEqual(srv.seen[0]!.body, req);
  assert.equal(srv.seen[0]!.headers['content-type'], 'application/json');
  assert.equal(srv.seen[0]!.headers.authorization, undefined); // no key, no header
  await chatCompletions(req, opts(srv.base, { apiKey: 'k-1' }));
  assert.equal(srv.seen[1]!.headers.authorization, 'Bearer k-1');
});

test('a client error other than 401/403 is not retried and points at --base-url and --model', async (t) => {
  const srv = await server(() => [404, 'no such\n  model']);
  t.after(srv.close);
  await assert.rejects(
    chatCompletions(req, opts(srv.base, { retries: 3 })),
    (e: unknown) =>
      e instanceof TgrError &&
      e.code === 'network' &&
      e.fields.status === 404 &&
      e.message === `${srv.base}/chat/completions: HTTP 404 no such model; check --base-url and --model`,
  );
  assert.equal(srv.seen.length, 1);
});

test('a 5xx or 429 is retried; the last problem is named when the attempts run out', async (t) => {
  const srv = await server((i) => (i < 2 ? [429, 'later'] : [200, ok('done.')]));
  t.after(srv.close);
  assert.deepEqual(await chatCompletions(req, opts(srv.base, { retries: 2 })), ['done.']);
  assert.equal(srv.seen.length, 3);
  const down = await server(() => [503, 'over\nloaded']);
  t.after(down.close);
  await assert.rejects(chatCompletions(req, opts(down.base, { retries: 1 })), {
    code: 'network',
    message: `${down.base}/chat/completions: gave up after 2 attempts (last: HTTP 503 over loaded); retry later or raise --retries/--timeout`,
  });
  assert.equal(down.seen.length, 2);
});

test('an answer without choices or with a choice lacking text is a one-line error quoting it, key redacted', async (t) => {
  const bodies = ['{"choices":[]}', '{"choices":[{"message":{"content":"x"}},{"message":{}}]}', '{"error":"k-secret"}'];
  const srv = await server((i) => [200, bodies[i]!]);
  t.after(srv.close);
  const url = `${srv.base}/chat/completions`;
  const tail = `expected {"choices":[{"message":{"content":"…"}}]} — is --base-url an OpenAI-compatible /v1 endpoint?`;
  for (const [why, quoted] of [
    ['no choices', JSON.stringify(bodies[0])],
    ['a choice without message.content', JSON.stringify(bodies[1])],
    ['no choices', JSON.stringify('{"error":"***"}')],
  ]) {
    await assert.rejects(chatCompletions(req, opts(srv.base, { apiKey: 'k-secret' })), {
      code: 'network',
      message: `${url}: malformed chat-completions answer (${why}: ${quoted}); ${tail}`,
    });
  }
});

test('a refused connection is retried and reported with its code', async () => {
  const srv = await server(() => [200, ok('x')]);
  await srv.close(); // nothing listens on that port now
  await assert.rejects(chatCompletions(req, opts(srv.base, { retries: 1 })), {
    code: 'network',
    message: `${srv.base}/chat/completions: gave up after 2 attempts (last: connection failed (ECONNREFUSED)); retry later or raise --retries/--timeout`,
  });
});
