import { upcastDomainEvent } from '#domain';
import type { FoldedEvent } from '#event-store';

/**
 * The event as the current schema reads it: the same object when there is nothing to upcast. The
 * stores the tracker opens upcast already; read models apply it again (it changes nothing then) so
 * that they fold the current schema whatever fed them: a store opened without the upcaster, a relay.
 */
export function upcastStored<E extends FoldedEvent>(event: E): E {
  const data = upcastDomainEvent(event.type, event.metadata.schemaVersion ?? 1, event.data);
  // Object.assign rather than a spread: several times cheaper on every event of an old log.
  return data === event.data ? event : Object.assign(Object.assign({}, event), { data });
}
