/** How many contact ids one bulk call takes (save, unsave, approve, reject, list members, CRM push). */
export const maxIdsPerCall = 1000;

/**
 * Runs `call` over `ids` in batches the server takes, one after the other, and adds up their
 * answers. A selection may hold more contacts than one call takes ("Select all" after scrolling
 * past 1,000). The first failure stops the rest and is thrown; the batches before it stay done,
 * and as every bulk action is idempotent, trying again finishes the job.
 */
export async function inBatches<T>(ids: string[], call: (batch: string[]) => Promise<T>, add: (a: T, b: T) => T): Promise<T> {
  let total: T = await call(ids.slice(0, maxIdsPerCall));
  for (let start = maxIdsPerCall; start < ids.length; start += maxIdsPerCall) {
    total = add(total, await call(ids.slice(start, start + maxIdsPerCall)));
  }
  return total;
}

/** Adds up `{ count }` answers. */
export function addCounts(a: { count: number }, b: { count: number }): { count: number } {
  return { count: a.count + b.count };
}
