// One writer process on an event store file that another process writes too, for a test that runs two.
// Arguments: <event store file> <writer name> <streams> <concurrent commands> <duration ms>.
// Decides commands as the API does (handleCommand behind a StreamBatcher, on states kept by a
// StateCache) and prints one JSON line at the end: what was acknowledged, and every error.
import { handleCommands, StateCache, StreamBatcher } from '#application';
import type { Decider } from '#domain';
import { SqliteEventStore } from '#event-store';

const [path, writer, streamsArg, concurrencyArg, durationArg] = process.argv.slice(2);
if (!path || !writer || !streamsArg || !concurrencyArg || !durationArg) {
  process.stderr.write('usage: shared-store-writer <event store file> <writer name> <streams> <concurrent commands> <duration ms>\n');
  process.exit(64);
}

type Counted = { type: 'Counted'; data: { writer: string; seq: number; before: number } };
type Count = { type: 'Count'; data: { writer: string; seq: number }; metadata: { actor: string; correlationId: string; source: string; now: Date } };

/** Each event records the count it was decided on: a command decided on a stale state shows as before ≠ revision. */
const counter: Decider<Count, Counted, { count: number }> = {
  name: 'counter',
  snapshotSchemaVersion: 1,
  initialState: () => ({ count: 0 }),
  evolve: (state) => ({ count: state.count + 1 }),
  // After a lost race the state decided on goes back without its events (a wrong count would show as before ≠ revision).
  revert: (state, events) => ({ count: state.count - events.length }),
  decide: (command, state) => [{ type: 'Counted', data: { ...command.data, before: state.count } }],
};

const store = new SqliteEventStore({ path });
const batcher = new StreamBatcher(handleCommands);
const states = new StateCache();
const acknowledged: Array<{ stream: string; id: string; revision: number }> = [];
const errors: string[] = [];
const end = Date.now() + Number(durationArg);
let seq = 0;

await Promise.all(Array.from({ length: Number(concurrencyArg) }, async (_, lane) => {
  while (Date.now() < end) {
    const stream = `counter-${(seq + lane) % Number(streamsArg)}`;
    const command: Count = { type: 'Count', data: { writer, seq: seq++ }, metadata: { actor: writer, correlationId: `${writer}-${seq}`, source: 'test', now: new Date() } };
    try {
      const outcome = await batcher.handleCommand(store, stream, counter, command, { states });
      acknowledged.push({ stream, id: outcome.eventIds[0]!, revision: outcome.revision });
    } catch (error) {
      errors.push(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
    }
  }
}));
await store.close();
process.stdout.write(`${JSON.stringify({ writer, acknowledged, errors })}\n`);
