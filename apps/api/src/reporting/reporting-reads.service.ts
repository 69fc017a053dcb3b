import { Inject, Injectable } from '@nestjs/common';
import { RoadmapCommands } from '#application';
import { dayOf, finalTargetFor, notFound, REGION_CODE, scopeOf, sheetDecider, sheetStream } from '#domain';
import type { SheetFacts } from '#reporting';
import { ReadModels } from '../infrastructure/read-models.service.js';

/**
 * Everything the reporting endpoints read, in one place: the sheets an organisation pilots, their
 * indicators with every report (both times) and their milestones, from the read models. The
 * frequency is not in the sheet read model yet: it is read from the sheet's folded state.
 */
@Injectable()
export class ReportingReads {
  constructor(
    private readonly readModels: ReadModels,
    @Inject(RoadmapCommands) private readonly commands: RoadmapCommands,
  ) {}

  /** The sheets the organisation pilots (any status); 404 when it pilots none. */
  async sheetsOf(organisationId: string): Promise<SheetFacts[]> {
    const items = this.readModels.listSheets({ pilot: organisationId });
    if (items.length === 0) throw notFound('organisation_not_found', `organisation ${organisationId} pilots no sheet`, { organisationId });
    const out: SheetFacts[] = [];
    for (const item of items) {
      const sheetId = item.sheetId as string;
      const view = this.readModels.getSheet(sheetId);
      const { state } = await this.commands.load(sheetStream(sheetId), sheetDecider);
      out.push({
        // Only sheets with a pilot are listed here, and those have a number (historic ones have neither).
        sheetId, number: view.number ?? '', title: view.title, status: view.status, createdOn: dayOf(view.createdAt),
        indicators: view.indicators.map((i) => {
          // The region's final target (a target of no territory counts as the region's); one without a day has nothing to be due by.
          const target = finalTargetFor(i, scopeOf({ territory: REGION_CODE }));
          return {
            indicatorId: i.indicatorId, name: i.name, unit: i.unit, frequency: state.indicators.get(i.indicatorId)?.frequency ?? null,
            target: target && target.by ? { value: target.value, by: target.by } : null,
            reports: this.readModels.series(sheetId, i.indicatorId, {}).map((p) => ({
              reportId: p.reportId, value: p.value, observedOn: p.observedOn, territory: p.territory, zone: p.zone, recordedAt: p.recordedAt,
            })),
          };
        }),
        milestones: view.milestones.map((m) => ({ milestoneId: m.milestoneId, title: m.title, due: m.due, reachedOn: m.reachedOn })),
      });
    }
    return out;
  }
}
