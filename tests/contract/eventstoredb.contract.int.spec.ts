import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { EventStoreDbEventStore, type EventStore, type Upcaster } from '#event-store';
import { eventStoreContract } from '../support/event-store-contract.js';

/**
 * Runs the contract against EventStoreDB: the server named by EVENTSTORE_CONNECTION_STRING, or a
 * throw-away container when a Docker engine answers, or not at all (one skipped line says why).
 */
const image = process.env.EVENTSTORE_IMAGE ?? 'eventstore/eventstore:23.10.0-bookworm-slim';

interface Server {
  connectionString: () => string;
  start: () => Promise<void>;
  stop: () => Promise<void>;
}

async function findServer(): Promise<Server | string> {
  const given = process.env.EVENTSTORE_CONNECTION_STRING;
  if (given !== undefined && given !== '') {
    return { connectionString: () => given, start: async () => undefined, stop: async () => undefined };
  }
  const dockerHost = process.env.DOCKER_HOST;
  if ((dockerHost === undefined || dockerHost === '') && !existsSync('/var/run/docker.sock')) {
    return 'EventStoreDB contract skipped: no EVENTSTORE_CONNECTION_STRING and no Docker engine';
  }
  try {
    const { GenericContainer, Wait, getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient();
    let container: Awaited<ReturnType<InstanceType<typeof GenericContainer>['start']>> | undefined;
    return {
      connectionString: () => `esdb://${container!.getHost()}:${container!.getMappedPort(2113)}?tls=false`,
      start: async () => {
        container = await new GenericContainer(image)
          .withEnvironment({
            EVENTSTORE_CLUSTER_SIZE: '1',
            EVENTSTORE_INSECURE: 'true',
            EVENTSTORE_RUN_PROJECTIONS: 'None',
            EVENTSTORE_MEM_DB: 'true',
          })
          .withExposedPorts(2113)
          .withWaitStrategy(Wait.forHttp('/health/live', 2113).forStatusCode(204))
          .withStartupTimeout(120_000)
          .start();
      },
      stop: async () => {
        await container?.stop();
      },
    };
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return `EventStoreDB contract skipped: no EVENTSTORE_CONNECTION_STRING and no usable Docker engine (${reason})`;
  }
}

const server = await findServer();

if (typeof server === 'string') {
  process.stderr.write(`${server}\n`);
  describe.skip(server, () => {
    it('runs the event-store contract against EventStoreDB', () => undefined);
  });
} else {
  beforeAll(async () => {
    await server.start();
  }, 180_000);

  afterAll(async () => {
    await server.stop();
  });

  eventStoreContract(
    'EventStoreDB',
    async () => {
      const opened: EventStore[] = [];
      const open = (options: { upcast?: Upcaster } = {}): EventStore => {
        const store = new EventStoreDbEventStore({ connectionString: server.connectionString(), pollIntervalMs: 200, upcast: options.upcast });
        opened.push(store);
        return store;
      };
      return {
        store: open(),
        reopen: async (options?: { upcast?: Upcaster }) => open(options),
        connect: async () => open(),
        cleanup: async () => {
          for (const store of opened) await store.close();
        },
      };
    },
    { gaplessPositions: false, liveTimeoutMs: 10_000 },
  );
}
