import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { EventStreamHub } from '../../apps/api/src/events/event-stream.hub.js';
import { createFixture } from '../support/roadmap-fixture.js';
import { openEventStream, type SseConnection, type SseMessage } from '../support/sse-client.js';
import { startTestApp, type RunningApp } from '../support/test-app.js';

const SHEET = '/api/sheets/csirt-cyberreponse';
const REPORTS = `${SHEET}/indicators/interventions/reports`;
const STREAM = '/api/events/stream';
const LEAKS = /"actor"|"metadata"|"correlationId"|"causationId"|pilot:|admin:|sct_/;

describe('GET /api/events/stream over real HTTP', () => {
  let app: RunningApp;
  let pilot: string;
  let hub: EventStreamHub;
  const open: SseConnection[] = [];
  const connect = async (query = '', headers: Record<string, string> = {}) => {
    const c = await openEventStream(`${app.baseUrl}${STREAM}${query}`, headers);
    open.push(c);
    return c;
  };
  const report = async (value: number) => {
    const r = await app.call('POST', REPORTS, { token: pilot, body: { value, observedOn: '2024-03-01', comment: `valeur ${value}` } });
    expect(r.status).toBe(201);
  };
  const head = async () => (await app.call('GET', '/health', { token: null })).body.store.head as number;
  /** What the auditors' log says happened after `after`, public streams only. */
  const logAfter = async (after: number) => ((await app.call('GET', `/api/events?after=${after}&limit=1000`)).body.events as Array<{ position: number; type: string; stream: string }>)
    .filter((e) => /^(roadmap|sheet)-/.test(e.stream));
  const parsed = (m: SseMessage) => JSON.parse(m.data) as { position: number; type: string; stream: string; sheetId: string | null; data: Record<string, unknown> };

  beforeAll(async () => {
    app = await startTestApp();
    hub = app.app.get(EventStreamHub);
    // Short enough to see a heartbeat in a test; set before the first client starts the timer.
    hub.heartbeatMs = 300;
    await createFixture(app);
    pilot = (await app.call('POST', '/api/tokens', { body: { role: 'pilot', organisationId: 'pilot-org' } })).body.token;
  });
  afterAll(async () => {
    for (const c of open) c.close();
    await app?.close(true);
  });

  it('streams a write made after the client connected, without a token and without actors', async () => {
    const stream = await connect();
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(stream.headers.get('cache-control')).toBe('no-store');
    expect(stream.headers.get('x-accel-buffering')).toBe('no');
    // The security headers of every answer are on the stream too.
    expect(stream.headers.get('content-security-policy')).toContain("default-src 'self'");

    await report(7);
    const [message] = await stream.waitFor(1);
    const position = await head();
    expect(message!.id).toBe(String(position));
    expect(message!.event).toBe('IndicatorReported');
    const event = parsed(message!);
    expect(event).toMatchObject({ position, type: 'IndicatorReported', stream: 'sheet-csirt-cyberreponse', sheetId: 'csirt-cyberreponse' });
    expect(event.data).toMatchObject({ indicatorId: 'interventions', value: 7, comment: 'valeur 7' });
    expect(Object.keys(event).sort()).toEqual(['data', 'position', 'recordedAt', 'revision', 'sheetId', 'stream', 'type']);
    expect(message!.data).not.toMatch(LEAKS);
    // The report is already in the read models when its message arrives.
    expect((await app.call('GET', SHEET, { token: null })).body.indicators.find((i: any) => i.indicatorId === 'interventions').latest.value).toBe(7);
    stream.close();
  });

  it('resumes after a reconnect from Last-Event-ID with neither gaps nor duplicates', async () => {
    const first = await connect();
    await report(10);
    const [seen] = await first.waitFor(1);
    first.close();

    // Written while the client is away, with a token created in between: the access log is in the
    // store too, and is skipped without breaking the sequence.
    await report(11);
    expect((await app.call('POST', '/api/tokens', { body: { role: 'auditor', label: 'pendant la coupure' } })).status).toBe(201);
    for (const v of [12, 13]) await report(v);
    const missed = await logAfter(Number(seen!.id));
    expect(missed.map((e) => e.type)).toEqual(['IndicatorReported', 'IndicatorReported', 'IndicatorReported']);

    const again = await connect('', { 'last-event-id': seen!.id! });
    const caughtUp = await again.waitFor(3);
    expect(caughtUp.map((m) => Number(m.id))).toEqual(missed.map((e) => e.position));
    expect(caughtUp.map((m) => parsed(m).data.value)).toEqual([11, 12, 13]);

    // And it follows live writes from there, each once.
    await report(14);
    const all = await again.waitFor(4);
    expect(parsed(all[3]!).data.value).toBe(14);
    await new Promise((r) => setTimeout(r, 300));
    expect(again.messages.map((m) => m.id)).toEqual([...new Set(again.messages.map((m) => m.id))]);
    expect(again.messages).toHaveLength(4);
    again.close();
  });

  it('resumes from ?from= for clients that cannot set headers; Last-Event-ID wins over it', async () => {
    const start = await head();
    for (const v of [21, 22]) await report(v);
    const byQuery = await connect(`?from=${start}`);
    expect((await byQuery.waitFor(2)).map((m) => parsed(m).data.value)).toEqual([21, 22]);
    // A browser reconnecting keeps the URL it was opened with and sends the header: the header is newer.
    const byBoth = await connect(`?from=${start}`, { 'last-event-id': String(start + 1) });
    expect((await byBoth.waitFor(1)).map((m) => parsed(m).data.value)).toEqual([22]);
    await new Promise((r) => setTimeout(r, 200));
    expect(byBoth.messages).toHaveLength(1);
    byQuery.close();
    byBoth.close();
  });

  it('replays the published history from position 0 in position order, roadmap and sheet events alike', async () => {
    const stream = await connect('?from=0');
    const expected = await logAfter(0);
    const messages = await stream.waitFor(expected.length);
    expect(messages.map((m) => [Number(m.id), m.event])).toEqual(expected.map((e) => [e.position, e.type]));
    expect(messages.some((m) => m.event === 'RoadmapCreated')).toBe(true);
    for (const m of messages) expect(m.data).not.toMatch(LEAKS);
    // The log holds more than that: the access log of the tokens created above stays in the store.
    expect(messages.length).toBeLessThan(await head());
    expect(messages.every((m) => /^(roadmap|sheet)-/.test(parsed(m).stream))).toBe(true);
    stream.close();
  });

  const connectionsSettleAt = async (n: number) => {
    const deadline = Date.now() + 5000;
    while (hub.connections !== n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    return hub.connections;
  };

  it('fans one write out to many clients and forgets the clients that leave', async () => {
    expect(await connectionsSettleAt(0)).toBe(0);
    const clients = await Promise.all(Array.from({ length: 50 }, () => connect()));
    expect(await connectionsSettleAt(50)).toBe(50);
    await report(30);
    const firsts = await Promise.all(clients.map(async (c) => (await c.waitFor(1))[0]!));
    expect(new Set(firsts.map((m) => m.id)).size).toBe(1);
    expect(firsts.every((m) => parsed(m).data.value === 30)).toBe(true);
    for (const c of clients) c.close();
    expect(await connectionsSettleAt(0)).toBe(0);
  });

  it('sends heartbeats as comment lines', async () => {
    const stream = await connect();
    expect(await stream.nextComment(3000)).toBe('heartbeat');
    expect(stream.messages).toHaveLength(0);
    stream.close();
  });

  it('answers the visible backlog and ends when the client does not ask for a stream', async () => {
    const start = await head();
    await report(40);
    const r = await app.call('GET', `${STREAM}?from=${start}`, { token: null });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const lines = r.text.split('\n');
    expect(lines.slice(0, 2)).toEqual([`id: ${start + 1}`, 'event: IndicatorReported']);
    expect(lines.slice(3)).toEqual(['', '']);
    expect(JSON.parse(lines[2]!.replace(/^data: /, '')).data.value).toBe(40);
    // Without a position, a stream starts at the head: nothing to replay.
    expect((await app.call('GET', STREAM, { token: null })).text).toBe('');
  });

  it('is described in the OpenAPI document as a public text/event-stream', async () => {
    const doc = (await app.call('GET', '/api/docs-json', { token: null })).body;
    const op = doc.paths['/api/events/stream'].get;
    expect(Object.keys(op.responses['200'].content)).toEqual(['text/event-stream']);
    expect(op.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`).sort()).toEqual(['header:Last-Event-ID', 'query:from']);
    expect(op.description).toMatch(/Last-Event-ID/);
  });

  it('refuses a position that is not a whole number, and a bad token', async () => {
    for (const [query, headers] of [['?from=abc', {}], ['?from=-1', {}], ['', { 'last-event-id': '1.5' }]] as const) {
      const r = await app.call('GET', `${STREAM}${query}`, { token: null, headers: { accept: 'text/event-stream', ...headers } });
      expect(r.status).toBe(400);
      expect(r.body.error).toBe('invalid_query');
    }
    expect((await app.call('GET', STREAM, { token: 'sct_not-a-token' })).status).toBe(401);
  });

  it('closes the open streams when the server shuts down', async () => {
    const stream = await connect();
    await new Promise((r) => setTimeout(r, 100));
    const closing = app.close(true);
    await expect(Promise.race([stream.ended.then(() => 'ended'), new Promise((r) => setTimeout(() => r('still open'), 5000))])).resolves.toBe('ended');
    await closing;
    app = undefined as unknown as RunningApp;
  });
});
