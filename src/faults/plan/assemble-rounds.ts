import { join } from 'node:path';
import { runFolderFiles } from '../../run-folder/file-names.js';
import { invariant } from '../../core/errors.js';
import { openAtomicFile, writeFileAtomic } from '../../core/atomic-write.js';
import { lockFile, lockPathFor, removeStaleTemps } from '../../core/folder-lock.js';
import { fingerprintLine, planFingerprint, unitLine, unitsPathFor } from '../store/record-units.js';
import { forEachLine } from '../store/store.js';
import type { CampaignPlan } from './plan.js';
import { writePlan } from './plan-file.js';

/*
 * The finished rounds of a --halfwidth campaign as one campaign: plan.json is the rounds' plans one after another
 * (site ids, units and groups shifted; each layer's perStratum and sites the rounds' totals), faults.jsonl the rounds'
 * records with their ids shifted the same way, and its sidecar what the runner would write for that plan. A record
 * depends on its site and, in the last bits of its values, on the batch and graph its image was forwarded in (the
 * rounds forward blocks of golden rows or their own units, one run of the joined plan its own units:
 * run/shared-sessions.ts), so the result is
 * what one run of the joined plan writes up to float rounding; summary, merge, verify and the report read it as any
 * campaign. plan.json is written last: its
 * presence says the campaign is assembled.
 */

/** The rounds' plans joined into one (round 0, the pilot, holds every layer of the campaign). */
export function joinRoundPlans(plans: readonly CampaignPlan[]): CampaignPlan {
  const first = plans[0]!;
  const layers = first.layers.map((l) => ({
    ...l,
    ...(l.perStratum ? { perStratum: l.perStratum.map(() => 0) } : {}),
    sites: 0,
  }));
  const at = new Map(layers.map((l, i) => [l.name, i]));
  const joined: CampaignPlan = {
    ...structuredClone(plans.at(-1)!),
    layers,
    groups: [],
    units: [],
    sites: { layer: [], image: [], index: [], bit: [], ...(plans.some((p) => p.sites.bits) ? { bits: [] } : {}) },
  };
  for (const p of plans) {
    const shift = joined.sites.layer.length;
    const groupShift = joined.groups.length;
    const li = p.layers.map((l) => at.get(l.name)!);
    p.layers.forEach((l, i) => {
      const into = layers[li[i]!]!;
      into.sites! += l.sites!;
      l.perStratum?.forEach((c, h) => (into.perStratum![h]! += c));
    });
    joined.groups.push(...p.groups.map((g) => g.map((i) => li[i]!)));
    joined.units.push(
      ...p.units.map((u) => ({ ...u, start: u.start + shift, end: u.end + shift, group: u.group + groupShift })),
    );
    const s = p.sites;
    joined.sites.layer.push(...s.layer.map((i) => li[i]!));
    joined.sites.image.push(...s.image);
    joined.sites.index.push(...s.index);
    joined.sites.bit.push(...s.bit);
    joined.sites.bits?.push(...(s.bits ?? s.bit.map((b) => [b])));
  }
  joined.perLayer = Math.max(...layers.map((l) => l.sites!));
  return joined;
}

/** One round: its number, folder and plan. */
export interface Round {
  round: number;
  dir: string;
  plan: CampaignPlan;
}

/** Joins the finished rounds into `dir`'s plan.json, faults.jsonl and its sidecar; returns the joined plan. */
export function assembleRounds(dir: string, rounds: readonly Round[]): CampaignPlan {
  const plan = joinRoundPlans(rounds.map((r) => r.plan));
  const file = join(dir, runFolderFiles.faults);
  const lock = lockFile(lockPathFor(file));
  try {
    removeStaleTemps(dir);
    const out = openAtomicFile(file);
    try {
      let sidecar = fingerprintLine(planFingerprint(plan));
      let at = 0;
      let unit = 0;
      let lines = '';
      let id = 0;
      const flush = () => {
        const u = plan.units[unit]!;
        const bytes = Buffer.from(lines);
        out.writeAt(bytes, at);
        at += bytes.length;
        sidecar += unitLine(unit, u.start, u.end, lines);
        lines = '';
        unit++;
      };
      for (const r of rounds) {
        const shift = id;
        forEachLine(join(r.dir, runFolderFiles.faults), (line) => {
          // recordLine writes the id first: shifting it changes nothing else in the line.
          const m = /^\{"id":(\d+),/.exec(line);
          invariant(
            m !== null && Number(m[1]) + shift === id,
            `${r.dir}/faults.jsonl: record ${id - shift} is out of order`,
          );
          lines += `{"id":${id},${line.slice(m[0].length)}\n`;
          id++;
          if (id === plan.units[unit]!.end) flush();
        });
      }
      invariant(id === plan.sites.layer.length && unit === plan.units.length, 'the rounds hold every site of the plan');
      // The sidecar first: a reader that finds faults.jsonl must find its matching sidecar.
      writeFileAtomic(unitsPathFor(file), sidecar);
      out.commit();
    } finally {
      out.abort();
    }
    writePlan(join(dir, runFolderFiles.plan), plan);
    return plan;
  } finally {
    lock.release();
  }
}
