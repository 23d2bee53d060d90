import type { Readable } from 'node:stream';

/**
 * Sends each line of `from` to `to` (without its newline), the last one too when the stream ends without a newline;
 * resolves when `from` has closed. A worker's or child process's output is shown under its tag a line at a time, so
 * lines of several writers never interleave mid-line.
 */
export function relayLines(from: Readable, to: (line: string) => void): Promise<void> {
  let rest = '';
  // The decoder keeps a character split across chunks whole.
  from.setEncoding('utf8');
  from.on('data', (chunk: string) => {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop()!;
    for (const l of lines) to(l);
  });
  return new Promise((ended) =>
    from.on('close', () => {
      if (rest) to(rest);
      ended();
    }),
  );
}
