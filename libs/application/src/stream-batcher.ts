import type { Decider } from '#domain';
import type { EventStore } from '#event-store';
import type { CommandMetadata, CommandOutcome } from './command.js';
import { handleCommands, type CommandRequest, type HandleCommandOptions } from './handle-command.js';

type AnyDecider = Decider<any, { type: string; data: unknown }, any>;

/** Handles one batch of commands on one stream: `handleCommands`, or anything that answers like it. */
export type HandleBatch = (
  store: EventStore,
  streamName: string,
  decider: AnyDecider,
  requests: readonly CommandRequest<any, any>[],
  options: HandleCommandOptions<any>,
) => Promise<PromiseSettledResult<CommandOutcome>[]>;

interface Pending extends CommandRequest<any, any> {
  store: EventStore;
  decider: AnyDecider;
  options: HandleCommandOptions<any>;
  resolve: (outcome: CommandOutcome) => void;
  reject: (error: unknown) => void;
}

/**
 * `handleCommand`, with the commands on one stream that arrive while an earlier one is being handled
 * gathered into one batch: decided one after the other against the same folded state and appended in
 * ONE append (`handleCommands`). They never conflict with each other and they share a commit, which is
 * what keeps a busy sheet's throughput up. Each command still gets its own answer.
 */
export class StreamBatcher {
  private readonly queues = new Map<string, Pending[]>();

  constructor(private readonly handleBatch: HandleBatch = handleCommands) {}

  handleCommand<C extends { type: string; metadata: CommandMetadata }, E extends { type: string; data: unknown }, S>(
    store: EventStore,
    streamName: string,
    decider: Decider<C, E, S>,
    command: C,
    options: HandleCommandOptions<S> = {},
  ): Promise<CommandOutcome> {
    return new Promise((resolve, reject) => {
      const pending: Pending = { store, decider: decider as unknown as AnyDecider, command, authorise: options.authorise, options, resolve, reject };
      const queue = this.queues.get(streamName);
      if (queue) {
        queue.push(pending);
        return;
      }
      this.queues.set(streamName, [pending]);
      void this.drain(streamName);
    });
  }

  /** Handles the stream's queue batch after batch, until no command is waiting. */
  private async drain(streamName: string): Promise<void> {
    const queue = this.queues.get(streamName)!;
    while (queue.length) {
      const batch = queue.splice(0, queue.length);
      // A stream is one aggregate: its commands share the store, the decider and where states are kept.
      const { store, decider, options } = batch[0]!;
      try {
        const settled = await this.handleBatch(store, streamName, decider, batch, options);
        for (let i = 0; i < batch.length; i++) {
          const s = settled[i]!;
          if (s.status === 'fulfilled') batch[i]!.resolve(s.value);
          else batch[i]!.reject(s.reason);
        }
      } catch (error) {
        for (const p of batch) p.reject(error);
      }
    }
    this.queues.delete(streamName);
  }
}
