import { describe, expect, it, vi } from 'vitest';

import { addCounts, inBatches, maxIdsPerCall } from './bulk';

const ids = (n: number) => Array.from({ length: n }, (_, i) => `c${i}`);

describe('inBatches', () => {
  it('sends a selection over the per-call cap in batches the server takes, in order, and adds up the answers', async () => {
    const call = vi.fn(async (batch: string[]) => ({ count: batch.length }));
    expect(await inBatches(ids(2500), call, addCounts)).toEqual({ count: 2500 });
    expect(call.mock.calls.map(([batch]) => batch.length)).toEqual([maxIdsPerCall, maxIdsPerCall, 500]);
    expect(call.mock.calls[1]![0][0]).toBe('c1000');
  });

  it('makes one call for a selection within the cap', async () => {
    const call = vi.fn(async (batch: string[]) => ({ count: batch.length }));
    expect(await inBatches(ids(3), call, addCounts)).toEqual({ count: 3 });
    expect(call).toHaveBeenCalledTimes(1);
  });

  it('stops at the first failure and throws it', async () => {
    const call = vi.fn(async (batch: string[]) => {
      if (batch[0] === 'c1000') throw new Error('refused');
      return { count: batch.length };
    });
    await expect(inBatches(ids(2500), call, addCounts)).rejects.toThrow('refused');
    expect(call).toHaveBeenCalledTimes(2);
  });
});
