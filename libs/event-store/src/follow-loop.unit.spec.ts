import { describe, expect, it } from '@jest/globals';
import { FollowLoop } from './follow-loop.js';

/** Resolves with the time a promise took, or 'pending' if it has not settled after `ms`. */
async function settledWithin(promise: Promise<void>, ms: number): Promise<'settled' | 'pending'> {
  let timer: NodeJS.Timeout | undefined;
  const result = await Promise.race([
    promise.then(() => 'settled' as const),
    new Promise<'pending'>((resolve) => { timer = setTimeout(() => resolve('pending'), ms); }),
  ]);
  clearTimeout(timer);
  return result;
}

describe('FollowLoop', () => {
  it('sleeps until woken', async () => {
    const loop = new FollowLoop(60_000);
    loop.beginPass();
    const sleeping = loop.sleep();
    expect(await settledWithin(sleeping, 20)).toBe('pending');
    loop.wake();
    expect(await settledWithin(sleeping, 1_000)).toBe('settled');
  });

  it('returns at once from the sleep after a pass during which it was woken', async () => {
    const loop = new FollowLoop(60_000);
    loop.beginPass();
    loop.wake(); // an append while the pass read
    expect(await settledWithin(loop.sleep(), 20)).toBe('settled');
    loop.beginPass(); // the next pass saw it: the one after sleeps again
    expect(await settledWithin(loop.sleep(), 20)).toBe('pending');
    loop.stop();
  });

  it('wakes by itself after the poll interval', async () => {
    const loop = new FollowLoop(10);
    loop.beginPass();
    expect(await settledWithin(loop.sleep(), 1_000)).toBe('settled');
  });

  it('backs off through wakes when asked to, but not through a stop', async () => {
    const loop = new FollowLoop(60_000);
    loop.beginPass();
    const backingOff = loop.sleep(true);
    loop.wake();
    expect(await settledWithin(backingOff, 20)).toBe('pending');
    loop.stop();
    expect(await settledWithin(backingOff, 1_000)).toBe('settled');
    expect(loop.isStopped).toBe(true);
    expect(await settledWithin(loop.sleep(), 20)).toBe('settled');
  });
});
