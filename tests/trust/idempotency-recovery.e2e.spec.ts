import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { RoadmapCommands } from '#application';
import { SqliteEventStore } from '#event-store';
import { IdempotencyStore } from '#idempotency';
import { commandIdOf, fingerprintOf } from '../../apps/api/src/idempotency/idempotency.hooks.js';
import { startTestApp, type RunningApp } from '../support/test-app.js';
import { createFixture } from '../support/roadmap-fixture.js';

const PATH = '/api/sheets/csirt-cyberreponse/indicators/interventions/reports';
const SCOPE = 'token:bootstrap-admin';

/**
 * The process dies after a write's events are stored but before its answer is: the retry with the
 * same Idempotency-Key must find the write in the log and answer it, not write it a second time.
 */
describe('idempotent writes whose answer was lost in a crash', () => {
  let app: RunningApp;
  let dataDir: string;

  beforeAll(async () => {
    app = await startTestApp();
    dataDir = app.dataDir;
    await createFixture(app);
    await app.close();
  });
  afterAll(() => app.close(true));

  /** What the dead process had done: the claim, and (or not) the events of the command. */
  async function crashedWrite(key: string, body: Record<string, unknown>, landed: boolean): Promise<{ eventIds: string[]; head: number }> {
    const store = new SqliteEventStore({ path: join(dataDir, 'events.sqlite') });
    const idempotency = new IdempotencyStore(join(dataDir, 'idempotency.sqlite'));
    const commandId = commandIdOf(SCOPE, key);
    idempotency.claim(SCOPE, key, { fingerprint: fingerprintOf('POST', PATH, body), commandId, headBefore: await store.headPosition() });
    let eventIds: string[] = [];
    if (landed) {
      const outcome = await new RoadmapCommands(store).onSheet('csirt-cyberreponse', {
        type: 'ReportIndicator', data: { indicatorId: 'interventions', reportId: `r-${key}`, value: body.value as number, observedOn: body.observedOn as string },
        metadata: { now: new Date(), actor: 'admin:bootstrap-admin', correlationId: 'c', causationId: commandId, source: 'api' },
      });
      eventIds = outcome.eventIds;
    }
    const head = await store.headPosition();
    idempotency.close();
    await store.close();
    return { eventIds, head };
  }

  it('answers a retry from the log when the write had landed, and writes nothing', async () => {
    const body = { value: 7, observedOn: '2024-05-31' };
    const { eventIds, head } = await crashedWrite('lost-answer-1', body, true);
    app = await startTestApp({ dataDir });
    const retry = await app.call('POST', PATH, { body, headers: { 'idempotency-key': 'lost-answer-1' } });
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.body.eventIds).toEqual(eventIds);
    expect((await app.call('GET', '/health')).body.store.head).toBe(head);
    // And from then on the rebuilt answer is the one replayed, byte for byte.
    const again = await app.call('POST', PATH, { body, headers: { 'idempotency-key': 'lost-answer-1' } });
    expect(again.text).toBe(retry.text);
    await app.close();
  });

  it('runs the retry when the write had not landed', async () => {
    const body = { value: 8, observedOn: '2024-06-30' };
    const { head } = await crashedWrite('lost-answer-2', body, false);
    app = await startTestApp({ dataDir });
    const retry = await app.call('POST', PATH, { body, headers: { 'idempotency-key': 'lost-answer-2' } });
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBeNull();
    expect((await app.call('GET', '/health')).body.store.head).toBe(head + 1);
    const events = await app.call('GET', `/api/events?after=${head}&limit=10`);
    expect(events.body.events[0].metadata.causationId).toBe(commandIdOf(SCOPE, 'lost-answer-2'));
  });

  it('refuses a retry with another body for a claimed key (422)', async () => {
    await app.close();
    await crashedWrite('lost-answer-3', { value: 1, observedOn: '2024-01-31' }, true);
    app = await startTestApp({ dataDir });
    const other = await app.call('POST', PATH, { body: { value: 2, observedOn: '2024-01-31' }, headers: { 'idempotency-key': 'lost-answer-3' } });
    expect(other.status).toBe(422);
  });
});
