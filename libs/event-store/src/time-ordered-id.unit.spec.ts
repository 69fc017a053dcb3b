import { timeOrderedId } from './time-ordered-id.js';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('timeOrderedId (UUID v7)', () => {
  it('is a version 7, RFC 9562 variant UUID whose first 48 bits are the Unix milliseconds', () => {
    const at = Date.UTC(2026, 10, 28, 14, 30, 0, 123);
    const id = timeOrderedId(at + 10_000); // later than any id made so far in this process
    expect(id).toMatch(UUID_V7);
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(at + 10_000);
  });

  it('increases strictly, within one millisecond and when the clock goes back', () => {
    const now = Date.now() + 20_000;
    const ids = [
      ...Array.from({ length: 5000 }, () => timeOrderedId(now)), // more than the 4 096 a millisecond's counter holds
      timeOrderedId(now - 60_000),
      timeOrderedId(now + 1),
    ];
    for (let i = 1; i < ids.length; i++) expect(ids[i]! > ids[i - 1]!).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(UUID_V7);
  });

  it('keeps 62 random bits: ids made in the same millisecond differ after the counter', () => {
    const now = Date.now() + 40_000;
    const tails = new Set(Array.from({ length: 200 }, () => timeOrderedId(now).slice(19)));
    expect(tails.size).toBe(200);
  });
});
