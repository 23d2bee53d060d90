import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { TgrError } from '../../src/core/errors.js';
import { fetchDataset, fetchFiles } from '../../src/data/fetch.js';
import { openDataset } from '../../src/data/registry.js';
import { cifarRecords, tempDir } from './fixtures.js';

const dir = tempDir('fetch');
const md5 = (b: Uint8Array) => createHash('md5').update(b).digest('hex');
const quiet = { quiet: true, timeoutMs: 2000 };

/** A local HTTP server (no internet involved) answering every request with `handler`. */
async function serve(handler: Parameters<typeof createServer>[1]): Promise<{ url: string; server: Server }> {
  const server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  test.after(() => {
    server.closeAllConnections();
    server.close();
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

function networkError(...patterns: RegExp[]) {
  return (e: unknown) => {
    assert.ok(e instanceof TgrError, String(e));
    assert.equal(e.code, 'network');
    assert.ok(!e.message.includes('\n'));
    for (const p of patterns) assert.match(e.message, p);
    return true;
  };
}

test('a closed port fails fast with one line naming the URL, the cause and what to do', async () => {
  const { url, server } = await serve(() => {});
  server.close();
  await new Promise((r) => server.once('close', r));
  const file = { url: `${url}/cifar-10-binary.tar.gz`, md5: '0'.repeat(32) };
  await assert.rejects(
    fetchFiles([file], join(dir, 'closed'), quiet),
    networkError(
      /cannot download http:\/\/127\.0\.0\.1:\d+\/cifar-10-binary\.tar\.gz \(connect ECONNREFUSED/,
      /offline — copy the file into .*closed/,
    ),
  );
  assert.deepEqual(readdirSync(join(dir, 'closed')), [], 'no partial file is left');
});

test('no response within the timeout, a stalled body and an HTTP error each fail with one line', async () => {
  const hang: typeof fetch = (_url, init) =>
    new Promise((_resolve, reject) =>
      init!.signal!.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))),
    );
  const f = { url: 'http://example.invalid/a.bin', md5: '0'.repeat(32) };
  await assert.rejects(
    fetchFiles([f], dir, { quiet: true, timeoutMs: 50, fetch: hang }),
    networkError(/no response within 0\.05s/),
  );
  const { url } = await serve((req, res) => {
    if (req.url === '/missing') return void res.writeHead(404).end();
    res.writeHead(200, { 'content-length': '1000' });
    res.write(new Uint8Array(10)); // then never another byte
  });
  await assert.rejects(
    // 2 s, not less: the headers and first bytes must arrive before it even on a loaded machine.
    fetchFiles([{ url: `${url}/stall`, md5: f.md5 }], dir, { quiet: true, timeoutMs: 2000 }),
    networkError(/stalled for 2s after 10 bytes/),
  );
  await assert.rejects(
    fetchFiles([{ url: `${url}/missing`, md5: f.md5 }], dir, quiet),
    networkError(/HTTP 404 Not Found/),
  );
  assert.ok(!readdirSync(dir).some((n) => n.includes('.part')), 'no partial file is left');
});

test('a verified archive is downloaded, unpacked and opens; a bad checksum is refused and leaves nothing', async () => {
  const src = join(dir, 'src', 'cifar-10-batches-bin');
  mkdirSync(src, { recursive: true });
  const train = cifarRecords([[1], [2]], 0);
  writeFileSync(join(src, 'data_batch_1.bin'), train.bytes);
  writeFileSync(join(src, 'test_batch.bin'), cifarRecords([[3]], 9).bytes);
  writeFileSync(join(src, 'batches.meta.txt'), 'a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n');
  const archive = join(dir, 'src', 'c10.tar.gz');
  execFileSync('tar', ['-czf', archive, '-C', join(dir, 'src'), 'cifar-10-batches-bin']);
  const bytes = readFileSync(archive);
  let requests = 0;
  const { url } = await serve((_req, res) => {
    requests++;
    res.writeHead(200, { 'content-length': String(bytes.length) }).end(bytes);
  });
  const cache = join(dir, 'cache');
  await fetchFiles([{ url: `${url}/c10.tar.gz`, md5: md5(bytes), unpack: true }], cache, quiet);
  const ds = await openDataset('cifar10', { dataDir: cache });
  assert.deepEqual(Array.from(ds.splits.train!.labels), [1, 2]);
  assert.deepEqual(ds.splits.train!.kind === 'memory' && ds.splits.train!.pixels, train.pixels);
  await fetchFiles([{ url: `${url}/c10.tar.gz`, md5: md5(bytes) }], cache, quiet);
  assert.equal(requests, 1, 'a present, verified file is not downloaded again');
  await assert.rejects(
    fetchFiles([{ url: `${url}/other.tar.gz`, md5: '0'.repeat(32) }], cache, quiet),
    (e: unknown) => {
      assert.ok(e instanceof TgrError && e.code === 'bad_file');
      assert.match(e.message, /other\.tar\.gz: MD5 [0-9a-f]{32} does not match the published 0{32}/);
      return true;
    },
  );
  assert.ok(!existsSync(join(cache, 'other.tar.gz')));
});

test('fetchDataset checks the publisher’s checksum of the canonical file; datasets without a download say so', async () => {
  const fake: typeof fetch = async () => new Response('not the real archive');
  await assert.rejects(
    fetchDataset('cifar10', { cacheDir: join(dir, 'c'), fetch: fake, quiet: true }),
    /cifar-10-binary\.tar\.gz: MD5 .* does not match the published c32a1d4ab5d03f1284b67883e8d87530/,
  );
  await assert.rejects(fetchDataset('imagenet', { cacheDir: join(dir, 'c') }), /imagenet has no canonical download/);
});
