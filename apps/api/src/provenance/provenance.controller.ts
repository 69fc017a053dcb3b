import { Controller, Get, Inject, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { notFound, roadmapStream, sheetStream, type Provenance } from '#domain';
import type { EventStore, StoredEvent } from '#event-store';
import { Allow } from '../auth/access.decorator.js';
import { SlugPipe } from '../http/slug.pipe.js';
import { EVENT_STORE } from '../infrastructure/tokens.js';

/** The keys that say which part of a sheet or roadmap an event is about. */
const SUBJECT_KEYS = ['version', 'indicatorId', 'reportId', 'milestoneId', 'findingId', 'factId', 'toVersion'] as const;

/** One fact of a stream with where the document prints it; `provenance` is null for a fact no document backs (a user's write). */
export interface SourcedFact {
  position: number;
  revision: number;
  type: string;
  recordedAt: string;
  actor: string;
  source: string;
  subject: Record<string, string>;
  provenance: Provenance[] | null;
}

function sourcedFacts(events: readonly StoredEvent[]): { facts: SourcedFact[]; sourced: number; unsourced: number } {
  const facts = events.map((e): SourcedFact => {
    const data = e.data as Record<string, unknown>;
    const nested = (data.indicator ?? data.milestone ?? {}) as Record<string, unknown>;
    const subject: Record<string, string> = {};
    for (const key of SUBJECT_KEYS) {
      const value = data[key] ?? nested[key];
      if (typeof value === 'string') subject[key] = value;
    }
    // The seed writes one quote or several; callers always get a list.
    const p = e.metadata.provenance as Provenance | Provenance[] | undefined;
    return {
      position: e.position, revision: e.revision, type: e.type, recordedAt: e.metadata.recordedAt, actor: e.metadata.actor, source: e.metadata.source,
      subject, provenance: p === undefined ? null : Array.isArray(p) ? p : [p],
    };
  });
  const sourced = facts.filter((f) => f.provenance !== null).length;
  return { facts, sourced, unsourced: facts.length - sourced };
}

/**
 * Where each recorded fact comes from: the section of the document and its words, verbatim, as the
 * events carry them. For auditors: public answers serve the facts, not their metadata.
 */
@ApiTags('audit')
@Controller('api')
export class ProvenanceController {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  @Get('sheets/:sheetId/provenance')
  @Allow(['admin', 'auditor'])
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Every event of a sheet with the section and verbatim quote it was recorded from (null for a fact no document backs) (admin, auditor)' })
  async sheet(@Param('sheetId', SlugPipe) sheetId: string): Promise<unknown> {
    const events = await this.store.readStream(sheetStream(sheetId));
    if (events.length === 0) throw notFound('sheet_not_found', `no sheet ${sheetId}`, { sheetId });
    return { sheetId, ...sourcedFacts(events) };
  }

  @Get('roadmaps/:roadmapId/provenance')
  @Allow(['admin', 'auditor'])
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Every event of a roadmap (versions, governance, findings) with the section and verbatim quote it was recorded from (admin, auditor)' })
  async roadmap(@Param('roadmapId', SlugPipe) roadmapId: string): Promise<unknown> {
    const events = await this.store.readStream(roadmapStream(roadmapId));
    if (events.length === 0) throw notFound('roadmap_not_found', `no roadmap ${roadmapId}`, { roadmapId });
    return { roadmapId, ...sourcedFacts(events) };
  }
}
