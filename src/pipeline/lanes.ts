/**
 * Runs independent chains of work, at most `lanes` at a time, in the order given. After a failure no new chain
 * starts; the running ones finish (their results are complete and kept), then the first error is thrown.
 */
export async function runChains(chains: readonly (() => Promise<void>)[], lanes: number): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | null = null;
  const lane = async () => {
    while (!failure && next < chains.length) {
      const chain = chains[next++]!;
      try {
        await chain();
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(lanes, chains.length)) }, lane));
  if (failure) throw (failure as { error: unknown }).error;
}
