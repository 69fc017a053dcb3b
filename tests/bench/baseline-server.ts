import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { timeOrderedId } from '#event-store';
import { BareAppender, type BareSync } from './bare-appender.js';

/**
 * The yardstick for the report endpoint: a bare node:http server that parses the same JSON body and
 * appends it with the bare appender (the store's table and indexes, time-ordered ids, group commit,
 * the WAL on disk before the answer; see bare-appender.ts for the two ways of syncing). No auth, no
 * validation, no decider, no read model: what the machine can do with the durability we promise.
 *
 * Usage: node baseline-server.js <db-path> <port> <full|offload>; prints `listening <port>` once ready.
 */
const [path, portArg, syncArg] = process.argv.slice(2);
if (!path) throw new Error('usage: baseline-server <db-path> [port] [full|offload]');
const appender = new BareAppender(path, (syncArg ?? 'offload') as BareSync);

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const match = /^\/api\/sheets\/([\w-]+)\/indicators\/([\w-]+)\/reports$/.exec(req.url ?? '');
    let body: { value?: unknown; observedOn?: unknown };
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      res.writeHead(400).end();
      return;
    }
    if (req.method !== 'POST' || !match) {
      res.writeHead(404).end();
      return;
    }
    const data = { sheetId: match[1], indicatorId: match[2], reportId: timeOrderedId(), value: body.value, observedOn: body.observedOn, territory: null, source: null, comment: null };
    const metadata = { actor: 'baseline', correlationId: randomUUID(), causationId: null, source: 'api' };
    appender.append(`sheet-${match[1]}`, [{ type: 'IndicatorReported', data, metadata }], 'any').then(
      ({ position }) => {
        const out = JSON.stringify({ position });
        res.writeHead(201, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(out) }).end(out);
      },
      () => res.writeHead(500).end(),
    );
  });
});
server.listen(Number(portArg ?? 0), '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`listening ${typeof address === 'object' && address ? address.port : ''}\n`);
});
process.on('SIGTERM', () => server.close(() => { void appender.close().then(() => process.exit(0)); }));
