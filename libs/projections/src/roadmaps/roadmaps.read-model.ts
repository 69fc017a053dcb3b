import type { Database, Statement } from 'better-sqlite3';
import { compareVersionLabels, formatDatedFr, isDatedLabel, parseDated, type Quantity } from '#domain';

export interface RoadmapEnjeu {
  enjeuId: string;
  number: number;
  title: string;
}

/** A version of a roadmap: a row of roadmap_versions, with its dates as the sources print them. */
export interface RoadmapVersionRow {
  roadmapId: string;
  version: string;
  /** draft, adopted, or superseded (a later version replaced it; for a draft, without an adoption). */
  status: string;
  basedOn: string | null;
  /** A dated label (`2010`, `2023-06-26`); null when the sources do not say. */
  draftedOn: string | null;
  adoptedOn: string | null;
  adoptedBy: string | null;
  facts: string | null;
  supersededBy: string | null;
  supersededOn: string | null;
  /** How many sheets the sources say the version had, as printed ("une trentaine": about 30); null when they do not say. */
  sheetCount: Quantity | null;
  /** The dates in French as printed: "en 2010", "en mars 2019", "le 26 juin 2023"; null when unknown. */
  draftedOnFr: string | null;
  adoptedOnFr: string | null;
}

const inFrench = (label: string | null): string | null => (label !== null && isDatedLabel(label) ? formatDatedFr(parseDated(label)) : null);

/** A roadmap with its versions (GET /api/roadmaps/:roadmapId). */
export interface RoadmapRecord {
  roadmapId: string;
  title: string;
  region: { code: string; name: string };
  enjeux: RoadmapEnjeu[];
  organisations: unknown[];
  versions: RoadmapVersionRow[];
}

/** The roadmaps read model (RoadmapsProjection): roadmaps, their enjeux and their versions in number order. */
export class RoadmapsReadModel {
  private st: { all: Statement; one: Statement; versions: Statement } | null = null;

  constructor(private readonly db: Database) {}

  private statements() {
    return (this.st ??= {
      all: this.db.prepare('SELECT roadmapId, title, region, enjeux, organisations FROM roadmaps ORDER BY roadmapId'),
      one: this.db.prepare('SELECT roadmapId, title, region, enjeux, organisations FROM roadmaps WHERE roadmapId = ?'),
      versions: this.db.prepare('SELECT roadmapId, version, status, basedOn, draftedOn, adoptedOn, adoptedBy, facts, supersededBy, supersededOn, sheetCount FROM roadmap_versions WHERE roadmapId = ?'),
    });
  }

  list(): RoadmapRecord[] {
    return (this.statements().all.all() as RoadmapRow[]).map((r) => this.record(r));
  }

  get(roadmapId: string): RoadmapRecord | null {
    const row = this.statements().one.get(roadmapId) as RoadmapRow | undefined;
    return row ? this.record(row) : null;
  }

  /** A roadmap's versions, V1 first. */
  versions(roadmapId: string): RoadmapVersionRow[] {
    return (this.statements().versions.all(roadmapId) as Array<Omit<RoadmapVersionRow, 'sheetCount'> & { sheetCount: string | null }>)
      .map((v) => ({ ...v, sheetCount: v.sheetCount === null ? null : (JSON.parse(v.sheetCount) as Quantity), draftedOnFr: inFrench(v.draftedOn), adoptedOnFr: inFrench(v.adoptedOn) }))
      .sort((a, b) => compareVersionLabels(a.version, b.version));
  }

  private record(r: RoadmapRow): RoadmapRecord {
    return {
      roadmapId: r.roadmapId, title: r.title, region: JSON.parse(r.region), enjeux: JSON.parse(r.enjeux), organisations: JSON.parse(r.organisations),
      versions: this.versions(r.roadmapId),
    };
  }
}

interface RoadmapRow {
  roadmapId: string;
  title: string;
  region: string;
  enjeux: string;
  organisations: string;
}
