/**
 * Runs task(0) .. task(count - 1) with at most `inFlight` under way at once, in index order of
 * starting: setup and fill calls of the MetaServer benchmarks, which are not measured but should
 * not take longer than they must. The first failure rejects (the tasks already under way finish).
 */
export async function runParallel(count: number, inFlight: number, task: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const lane = async (): Promise<void> => {
    while (!failed && next < count) {
      const index = next++;
      try {
        await task(index);
      } catch (error: unknown) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, count) }, lane));
}
