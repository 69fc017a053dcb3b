import { describe, expect, it } from '@jest/globals';
import type { StoredEvent } from '#event-store';
import { publicEvent, sseMessage } from './public-event.js';

const event = (stream: string, type = 'IndicatorReported', data: unknown = { indicatorId: 'x', value: 1, comment: 'deux\nlignes' }): StoredEvent => ({
  id: '0190-x', type, stream, revision: 3, position: 42, data,
  metadata: { recordedAt: '2026-01-02T03:04:05.000Z', actor: 'pilot:t1@org', correlationId: 'c', causationId: 'k', source: 'api', schemaVersion: 1 },
});

describe('publicEvent', () => {
  it('keeps what happened and when it was recorded, never who did it', () => {
    expect(publicEvent(event('sheet-csirt'))).toEqual({
      position: 42, type: 'IndicatorReported', stream: 'sheet-csirt', revision: 3, sheetId: 'csirt',
      recordedAt: '2026-01-02T03:04:05.000Z', data: { indicatorId: 'x', value: 1, comment: 'deux\nlignes' },
    });
    expect(publicEvent(event('roadmap-r', 'RoadmapCreated'))).toMatchObject({ stream: 'roadmap-r', sheetId: null });
  });

  it('publishes the roadmap and sheet streams only', () => {
    for (const stream of ['access-tokens', 'tokens-1', 'idempotency-x', 'sheetless', 'roadmap']) expect(publicEvent(event(stream))).toBeNull();
  });

  it('writes one SSE message whose data is a single line', () => {
    const text = sseMessage(publicEvent(event('sheet-csirt'))!);
    expect(text.split('\n')).toEqual(['id: 42', 'event: IndicatorReported', expect.stringMatching(/^data: \{.*\}$/), '', '']);
    expect(text).not.toMatch(/actor|pilot:|correlationId/);
  });
});
