import cliProgress from 'cli-progress';

/** A progress reporter: a bar with rate and ETA on a TTY, plain periodic lines otherwise (CI logs, pipes). */
export interface Progress {
  tick(n?: number, info?: string): void;
  done(info?: string): void;
}

export interface ProgressOptions {
  label: string;
  total: number;
  unit: string;
  /** Where to report; defaults to stderr. */
  stream?: NodeJS.WriteStream;
  /** Force plain lines (tests, --no-progress). */
  plain?: boolean;
  /** Minimum seconds between plain lines. */
  everySeconds?: number;
  quiet?: boolean;
}

/** Makes the reporters of this thread when someone else draws them (a pipeline stage run in a worker thread). */
export type ProgressRoute = (opts: ProgressOptions) => Progress;

let route: ProgressRoute | null = null;

/** Sends every later reporter of this thread (not quiet, not bound to a stream) to `r` instead of stderr. */
export function routeProgress(r: ProgressRoute | null): void {
  route = r;
}

/** Creates a progress reporter suited to where output goes. */
export function progress(opts: ProgressOptions): Progress {
  const stream = opts.stream ?? process.stderr;
  const start = Date.now();
  let count = 0;
  if (opts.quiet) return { tick: (n = 1) => void (count += n), done: () => {} };
  if (route && !opts.stream) return route(opts);
  const rate = () => count / Math.max(1e-3, (Date.now() - start) / 1000);
  if (!opts.plain && stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        format: `${opts.label} [{bar}] {value}/{total} {unit} | {rate}/s | ETA {eta_formatted} {info}`,
        stream,
        hideCursor: true,
        etaBuffer: 50,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(opts.total, 0, { unit: opts.unit, rate: '0', info: '' });
    return {
      tick(n = 1, info = '') {
        count += n;
        bar.update(count, { rate: rate().toFixed(1), info });
      },
      done(info = '') {
        bar.update(count, { rate: rate().toFixed(1), info });
        bar.stop();
      },
    };
  }
  const every = (opts.everySeconds ?? 10) * 1000;
  let last = start;
  const line = (info: string) => {
    const r = rate();
    const eta = r > 0 ? Math.max(0, (opts.total - count) / r) : NaN;
    stream.write(
      `${opts.label}: ${count}/${opts.total} ${opts.unit} (${r.toFixed(1)}/s, ETA ${Number.isFinite(eta) ? Math.round(eta) + 's' : '?'})${info ? ' ' + info : ''}\n`,
    );
  };
  return {
    tick(n = 1, info = '') {
      count += n;
      const now = Date.now();
      if (now - last >= every) {
        last = now;
        line(info);
      }
    },
    done(info = '') {
      line(info);
    },
  };
}
