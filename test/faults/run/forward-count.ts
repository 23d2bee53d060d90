import { UnitForward } from '../../../src/faults/run/unit-cache.js';

/** Runs `f`, counting the unit forward-pass sessions made meanwhile (units served from kept rows make none). */
export async function countForwards(f: () => Promise<unknown>): Promise<number> {
  const created = UnitForward.create;
  let forwards = 0;
  UnitForward.create = ((...a: Parameters<typeof created>) => ((forwards += 1), created(...a))) as typeof created;
  try {
    await f();
  } finally {
    UnitForward.create = created;
  }
  return forwards;
}
