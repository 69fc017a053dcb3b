import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import Database from 'better-sqlite3';

/**
 * The yardstick for the report endpoint: a bare node:http server that parses the same JSON body and
 * appends it durably to SQLite (WAL, synchronous = FULL) with group commit: every request that
 * arrived during one turn of the event loop is written by one transaction, one fsync. No auth, no
 * validation, no decider, no read model: what the machine can do with the durability we promise.
 *
 * Usage: node baseline-server.js <db-path> <port>; prints `listening <port>` once ready.
 */
const [path, portArg] = process.argv.slice(2);
if (!path) throw new Error('usage: baseline-server <db-path> [port]');
const db = new Database(path);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.exec(`CREATE TABLE IF NOT EXISTS events (
  position INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, stream TEXT NOT NULL, revision INTEGER NOT NULL,
  type TEXT NOT NULL, data TEXT NOT NULL, metadata TEXT NOT NULL, recorded_at TEXT NOT NULL, UNIQUE (stream, revision))`);
const insert = db.prepare('INSERT INTO events (id, stream, revision, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)');
const head = db.prepare('SELECT MAX(revision) FROM events WHERE stream = ?').pluck();
const revisions = new Map<string, number>();

interface Pending { stream: string; data: string; done: (position: number) => void }
let queue: Pending[] = [];
let scheduled = false;
const writeBatch = db.transaction((batch: Pending[]) =>
  batch.map((p) => {
    const revision = (revisions.get(p.stream) ?? ((head.get(p.stream) as number | null) ?? -1)) + 1;
    revisions.set(p.stream, revision);
    const recordedAt = new Date().toISOString();
    const metadata = JSON.stringify({ actor: 'baseline', correlationId: randomUUID(), causationId: null, source: 'api', recordedAt, schemaVersion: 1 });
    return Number(insert.run(randomUUID(), p.stream, revision, 'IndicatorReported', p.data, metadata, recordedAt).lastInsertRowid);
  }),
);
const flush = () => {
  scheduled = false;
  const batch = queue;
  queue = [];
  const positions = writeBatch.immediate(batch);
  batch.forEach((p, i) => p.done(positions[i]!));
};

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
    const data = JSON.stringify({ sheetId: match[1], indicatorId: match[2], reportId: randomUUID(), value: body.value, observedOn: body.observedOn, territory: null });
    queue.push({
      stream: `sheet-${match[1]}`,
      data,
      done: (position) => {
        const out = JSON.stringify({ position });
        res.writeHead(201, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(out) }).end(out);
      },
    });
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  });
});
server.listen(Number(portArg ?? 0), '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`listening ${typeof address === 'object' && address ? address.port : ''}\n`);
});
process.on('SIGTERM', () => server.close(() => { db.close(); process.exit(0); }));
