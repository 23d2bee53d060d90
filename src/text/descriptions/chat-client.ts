import { setTimeout as sleep } from 'node:timers/promises';
import { TgrError } from '../../core/errors.js';

/** The body of an OpenAI-compatible POST /chat/completions. */
export interface ChatRequest {
  model: string;
  messages: { role: 'system' | 'user'; content: string }[];
  n: number;
  temperature: number;
  max_tokens: number;
}

export interface ChatClientOptions {
  /** e.g. https://api.openai.com/v1, http://127.0.0.1:11434/v1 (Ollama), http://127.0.0.1:8000/v1 (vLLM). */
  baseUrl: string;
  /** Sent as `Authorization: Bearer …` when set; never logged, never written. */
  apiKey?: string;
  /** The environment variable the key comes from, named in hints. */
  apiKeyEnv: string;
  /** Further attempts after the first on 429, 5xx, timeouts and dropped connections. */
  retries: number;
  /** Per-attempt timeout. */
  timeoutMs: number;
  /**
   * First back-off; doubles per attempt, capped at maxBackoffMs (a Retry-After header wins when shorter than the cap).
   */
  backoffMs: number;
  maxBackoffMs: number;
}

/** Posts one chat-completions request and returns each choice's message text, retrying transient failures. */
export async function chatCompletions(req: ChatRequest, o: ChatClientOptions): Promise<string[]> {
  const url = `${o.baseUrl.replace(/\/+$/, '')}/chat/completions`;
  const redact = (s: string) => (o.apiKey ? s.replaceAll(o.apiKey, '***') : s);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (o.apiKey) headers.authorization = `Bearer ${o.apiKey}`;
  let lastProblem = '';
  for (let attempt = 0; attempt <= o.retries; attempt++) {
    let wait = Math.min(o.maxBackoffMs, o.backoffMs * 2 ** attempt);
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers,
        body: JSON.stringify(req),
        signal: AbortSignal.timeout(o.timeoutMs),
      });
    } catch (e) {
      const err = e as Error & { cause?: { code?: string } };
      lastProblem =
        err.name === 'TimeoutError'
          ? `no answer within ${o.timeoutMs / 1000}s`
          : `connection failed (${err.cause?.code ?? err.message})`;
      if (attempt < o.retries) await sleep(wait);
      continue;
    }
    const text = await res.text().catch(() => '');
    if (res.ok) return parseChoices(text, url, redact);
    lastProblem = `HTTP ${res.status} ${redact(text.replace(/\s+/g, ' ').slice(0, 120))}`;
    if (res.status !== 429 && res.status < 500) {
      const hint =
        res.status === 401 || res.status === 403
          ? `set the API key in ${o.apiKeyEnv} (or name another variable with --api-key-env)`
          : 'check --base-url and --model';
      throw new TgrError('network', `${url}: ${lastProblem}; ${hint}`, { status: res.status });
    }
    const retryAfter = Number(res.headers.get('retry-after'));
    if (Number.isFinite(retryAfter) && retryAfter > 0) wait = Math.min(o.maxBackoffMs, retryAfter * 1000);
    if (attempt < o.retries) await sleep(wait);
  }
  throw new TgrError(
    'network',
    `${url}: gave up after ${o.retries + 1} attempts (last: ${lastProblem}); retry later or raise --retries/--timeout`,
  );
}

/** The choices' texts from a chat-completions answer; anything else is a one-line error. */
function parseChoices(text: string, url: string, redact: (s: string) => string): string[] {
  const bad = (why: string) =>
    new TgrError(
      'network',
      `${url}: malformed chat-completions answer (${why}: ${JSON.stringify(redact(text.slice(0, 80)))}); expected {"choices":[{"message":{"content":"…"}}]} — is --base-url an OpenAI-compatible /v1 endpoint?`,
    );
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw bad('not JSON');
  }
  const choices = (body as { choices?: unknown }).choices;
  if (!Array.isArray(choices) || choices.length === 0) throw bad('no choices');
  return choices.map((c: { message?: { content?: unknown } }) => {
    const content = c?.message?.content;
    if (typeof content !== 'string') throw bad('a choice without message.content');
    return content;
  });
}
