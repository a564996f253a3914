import { describe, expect, it } from 'vitest';

import { pushProgress } from './get-crm-push';

describe('pushProgress', () => {
  it.each([
    { name: 'nothing sent yet', push: { to_create: 3, to_update: 0, queued: 3, paused: 0 }, done: 0, percent: 0 },
    { name: 'one of three still queued', push: { to_create: 2, to_update: 1, queued: 1, paused: 0 }, done: 2, percent: 67 },
    { name: 'paused contacts wait', push: { to_create: 4, to_update: 0, queued: 0, paused: 2 }, done: 2, percent: 50 },
    // A planned create that was no longer approved at send time settles as rejected: the push is
    // done although created + updated + failed is 2.
    { name: 'decided again at send time', push: { to_create: 3, to_update: 0, queued: 0, paused: 0 }, done: 3, percent: 100 },
    { name: 'nothing to send', push: { to_create: 0, to_update: 0, queued: 0, paused: 0 }, done: 0, percent: 100 },
  ])('$name', ({ push, done, percent }) => {
    const p = pushProgress(push);
    expect(p.done).toBe(done);
    expect(p.percent).toBe(percent);
  });
});
