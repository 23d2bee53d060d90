import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TgrError } from '../../src/core/errors.js';
import { downloadFile, md5File } from '../../src/data/download.js';
import { tempDir } from './fixtures.js';

const bytes = new TextEncoder().encode('tgr test payload');
const md5 = createHash('md5').update(bytes).digest('hex');
const url = 'https://example.org/files/data.bin';

/** A fetch that answers every request with `res()` and counts its calls. */
function fakeFetch(res: (init?: RequestInit) => Promise<Response>): typeof fetch & { calls: number } {
  const f = Object.assign((_: unknown, init?: RequestInit) => (f.calls++, res(init)), { calls: 0 });
  return f as unknown as typeof fetch & { calls: number };
}
const ok = () => fakeFetch(async () => new Response(bytes, { headers: { 'content-length': String(bytes.length) } }));

/** Asserts a rejection with this code and exactly this message. */
const rejectsWith = (p: Promise<unknown>, code: string, message: string) =>
  assert.rejects(p, (e) => e instanceof TgrError && e.code === code && e.message === message);

test('md5File is the MD5 of the bytes as lowercase hex', () => {
  const dir = tempDir('md5');
  writeFileSync(join(dir, 'abc'), 'abc');
  assert.equal(md5File(join(dir, 'abc')), '900150983cd24fb0d6963f7d28e17f72');
});

test('a download lands under its URL’s file name, verified, with no temporary file left', async () => {
  const dir = tempDir('download');
  const fetch = ok();
  const path = await downloadFile({ url, md5 }, dir, { fetch, quiet: true });
  assert.equal(path, join(dir, 'data.bin'));
  assert.deepEqual(new Uint8Array(readFileSync(path)), bytes);
  assert.deepEqual(readdirSync(dir), ['data.bin']);
  // Present and verified: kept, nothing fetched. Present but damaged: fetched again.
  await downloadFile({ url, md5 }, dir, { fetch, quiet: true });
  assert.equal(fetch.calls, 1);
  writeFileSync(path, 'damaged');
  await downloadFile({ url, md5 }, dir, { fetch, quiet: true });
  assert.equal(fetch.calls, 2);
  assert.equal(md5File(path), md5);
});

test('a checksum mismatch is refused with both sums and the size, and nothing is kept', async () => {
  const dir = tempDir('download-md5');
  const wrong = '0'.repeat(32);
  await rejectsWith(
    downloadFile({ url, md5: wrong }, dir, { fetch: ok(), quiet: true }),
    'bad_file',
    `${url}: MD5 ${md5} does not match the published ${wrong} (${bytes.length} bytes); the download is corrupt — run the fetch again`,
  );
  assert.deepEqual(readdirSync(dir), []);
});

test('network failures are one line: the URL, why, the likely cause and where to copy the file', async () => {
  const dir = tempDir('download-offline');
  const tail = `— copy the file into ${dir} and rerun (it is verified and unpacked), or pass --data-dir`;
  const fail = (e: Error) => fakeFetch(() => Promise.reject(e));
  const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:443'), { code: 'ECONNREFUSED' });
  await rejectsWith(
    downloadFile({ url, md5 }, dir, { fetch: fail(new Error('fetch failed', { cause: refused })), quiet: true }),
    'network',
    `cannot download ${url} (connect ECONNREFUSED 127.0.0.1:443); this machine may be offline ${tail}`,
  );
  const dns = Object.assign(new Error('getaddrinfo failed'), { code: 'ENOTFOUND' });
  await rejectsWith(
    downloadFile({ url, md5 }, dir, { fetch: fail(new Error('fetch failed', { cause: dns })), quiet: true }),
    'network',
    `cannot download ${url} (ENOTFOUND: getaddrinfo failed); this machine may be offline ${tail}`,
  );
  const missing = fakeFetch(async () => new Response('no', { status: 404, statusText: 'Not Found' }));
  await rejectsWith(
    downloadFile({ url, md5 }, dir, { fetch: missing, quiet: true }),
    'network',
    `cannot download ${url} (HTTP 404 Not Found); the file may have moved ${tail}`,
  );
  // A server that never answers: the timeout aborts the request.
  const silent = fakeFetch(
    (init) => new Promise((_, reject) => init!.signal!.addEventListener('abort', () => reject(new Error('aborted')))),
  );
  await rejectsWith(
    downloadFile({ url, md5 }, dir, { fetch: silent, quiet: true, timeoutMs: 20 }),
    'network',
    `cannot download ${url} (no response within 0.02s); this machine may be offline ${tail}`,
  );
  assert.deepEqual(readdirSync(dir), []);
});
