/**
 * What the user sees while several stages run at once: on a TTY one progress bar per running stage (rate, ETA) with
 * log lines above them; otherwise plain lines, each prefixed with its stage, at most one progress line per stage
 * every few seconds.
 */
import cliProgress from 'cli-progress';

/** One progress update of a stage (the reporter inside the stage's worker sends them). */
export interface StageProgress {
  label: string;
  unit: string;
  total: number;
  count: number;
  /** Seconds since the reporter started (the rate is count / seconds). */
  seconds: number;
  info: string;
  done: boolean;
}

interface Track {
  label: string;
  lastLine: number;
  bar?: cliProgress.SingleBar;
}

/** Shows the lines and progress of concurrently running stages on one stream. */
export class StageDisplay {
  private readonly tracks = new Map<string, Track>();
  private readonly multi: cliProgress.MultiBar | null;

  constructor(
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly everySeconds = 10,
  ) {
    this.multi = stream.isTTY
      ? new cliProgress.MultiBar(
          {
            format: '{tag} {label} [{bar}] {value}/{total} {unit} | {rate}/s | ETA {eta_formatted} {info}',
            stream,
            hideCursor: true,
            etaBuffer: 50,
            clearOnComplete: true,
          },
          cliProgress.Presets.shades_classic,
        )
      : null;
  }

  /** A line of a stage's own output (or of the pipeline, with tag ''). */
  line(tag: string, text: string): void {
    const l = (tag ? `[${tag}] ` : '') + text + '\n';
    if (this.multi) this.multi.log(l);
    else this.stream.write(l);
  }

  /** A progress update of stage `tag`. */
  progress(tag: string, p: StageProgress): void {
    let t = this.tracks.get(tag);
    if (!t || t.label !== p.label) {
      if (t?.bar) this.multi!.remove(t.bar);
      t = { label: p.label, lastLine: Date.now() };
      this.tracks.set(tag, t);
    }
    const rate = p.count / Math.max(1e-3, p.seconds);
    if (this.multi) {
      const payload = { tag: `[${tag}]`, label: p.label, unit: p.unit, rate: rate.toFixed(1), info: p.info };
      t.bar ??= this.multi.create(p.total, 0, payload);
      t.bar.setTotal(p.total);
      t.bar.update(p.count, payload);
      return;
    }
    const now = Date.now();
    if (!p.done && now - t.lastLine < this.everySeconds * 1000) return;
    t.lastLine = now;
    const eta = rate > 0 ? Math.max(0, (p.total - p.count) / rate) : NaN;
    const etaText = Number.isFinite(eta) ? `${Math.round(eta)}s` : '?';
    this.line(
      tag,
      `${p.label}: ${p.count}/${p.total} ${p.unit} (${rate.toFixed(1)}/s, ETA ${etaText})${p.info ? ' ' + p.info : ''}`,
    );
  }

  /** Stage `tag` finished: its bar goes. */
  end(tag: string): void {
    const t = this.tracks.get(tag);
    if (t?.bar) this.multi!.remove(t.bar);
    this.tracks.delete(tag);
  }

  /** Stops drawing (restores the cursor). */
  close(): void {
    this.multi?.stop();
  }
}
