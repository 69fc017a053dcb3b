import { Injectable } from '@nestjs/common';
import { Counter } from 'prom-client';
import { WrongExpectedRevisionError, type AppendResult, type EventStoreMetrics } from '#event-store';

/**
 * The counters of appends, fed by the InstrumentedEventStore that wraps the application's store, so
 * that every writer in the process (API, seeding, startup hooks) is seen, whichever command handler
 * it went through. TrackerMetrics shows them in its registry.
 */
@Injectable()
export class AppendMetrics implements EventStoreMetrics {
  readonly eventsAppended = new Counter({
    name: 'scoran_events_appended_total',
    help: 'Events appended to the event store by this process, by event type',
    labelNames: ['type'] as const,
    registers: [],
  });

  readonly appendConflicts = new Counter({
    name: 'scoran_append_conflicts_total',
    help: 'Appends refused because the stream had moved (wrong expected revision)',
    registers: [],
  });

  appended(_stream: string, result: AppendResult): void {
    for (const e of result.events) this.eventsAppended.inc({ type: e.type });
  }

  appendFailed(_stream: string, error: unknown): void {
    if (error instanceof WrongExpectedRevisionError) this.appendConflicts.inc();
  }
}
