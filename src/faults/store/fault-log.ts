import { closeSync, fsyncSync, openSync, truncateSync, writeSync } from 'node:fs';
import { writeFileAtomic } from '../../core/atomic-write.js';
import type { CampaignPlan } from '../plan/plan.js';
import { fingerprintLine, planFingerprint, scanRecords, unitLine, unitsPathFor } from './record-units.js';
import type { Shard } from '../plan/shard.js';

/**
 * The append-only results file of one run (or shard), resumable, with its integrity sidecar (record-units.ts).
 * Writes happen a whole unit at a time: the records, fsync, then the unit's line in the sidecar, fsync. On open the
 * file is verified against the plan and the sidecar and cut back to the last unit both vouch for (a kill can only
 * leave a partial or unvouched last unit), so the rerun writes the same bytes an uninterrupted run would. Damage a
 * kill cannot cause (an edited, deleted or corrupted line, records of another plan) is refused, named.
 */
export class FaultLog {
  private constructor(
    private fd: number,
    private unitsFd: number,
    /** Units already complete in the file: resume from this one. */
    readonly doneUnits: number,
    readonly doneRecords: number,
  ) {}

  /** Opens (or creates) the log of `plan`'s range for `shard`; `say` hears what was cut (one line each). */
  static open(path: string, plan: CampaignPlan, shard?: Shard, say: (line: string) => void = () => {}): FaultLog {
    const scan = scanRecords(path, plan, shard);
    const sidecar = unitsPathFor(path);
    if (scan.sidecarDamage !== undefined)
      say(`${sidecar}: line ${scan.sidecarDamage} is damaged; the units from there on are redone`);
    if (scan.listed > scan.units)
      say(`${path} ends inside unit ${scan.units} of this run, which ${sidecar} lists as complete; redoing from there`);
    else if (scan.tail > 0)
      say(`${path}: cut a torn tail of ${scan.tail} bytes after ${scan.units} complete units (a killed run); resuming`);
    if (!scan.sidecar && scan.units > 0)
      say(`${path}: no ${sidecar} (an older tgr wrote it); rebuilt from the records`);
    if (scan.tail > 0) truncateSync(path, scan.bytes);
    // The sidecar is rewritten whole (header + the vouched units): one write per open, the same bytes every time.
    writeFileAtomic(sidecar, fingerprintLine(planFingerprint(plan, shard)) + scan.entries.join(''));
    return new FaultLog(openSync(path, 'a'), openSync(sidecar, 'a'), scan.units, scan.records);
  }

  /** Appends one unit's lines and makes them durable, then vouches for them in the sidecar. */
  appendUnit(unit: number, start: number, end: number, lines: string): void {
    writeSync(this.fd, lines);
    fsyncSync(this.fd);
    writeSync(this.unitsFd, unitLine(unit, start, end, lines));
    fsyncSync(this.unitsFd);
  }

  close(): void {
    closeSync(this.fd);
    closeSync(this.unitsFd);
  }
}
