import { Module, type DynamicModule } from '@nestjs/common';
import { overTracker } from '../infrastructure/tracker.module.js';
import { EventStreamController } from './event-stream.controller.js';
import { EventStreamHub } from './event-stream.hub.js';

/** GET /api/events/stream: the public log, live, to every connected client through one shared subscription. */
@Module({ controllers: [EventStreamController], providers: [EventStreamHub], exports: [EventStreamHub] })
export class EventStreamModule {
  static forTracker(tracker: DynamicModule): DynamicModule {
    return overTracker(EventStreamModule, tracker);
  }
}
