import { Inject, Injectable, Logger } from '@nestjs/common';
import { pilotWritePolicy, RoadmapCommands, type CommandMetadata } from '#application';
import type { Principal } from '#auth';
import { runReportImport, type ImportAnswer, type ImportLimits } from '#reporting';
import { ProjectionHost } from '#projections';
import { ReportingReads } from './reporting-reads.service.js';

export type { ImportAnswer, RowOutcome } from '#reporting';

/**
 * A filled template over HTTP: `runReportImport` with each row decided by the same write side as
 * ExecuteSheetCommand, under the caller's pilot policy, and read-your-writes as on the form: the
 * answer waits until every read model shows the rows written. That wait is made once, for the
 * file's last write, rather than once per row: the rows' visibility is the same (a row is visible
 * when the read models show its position), and the projections apply the first rows while the next
 * ones are decided.
 */
@Injectable()
export class ReportImport {
  private readonly logger = new Logger('ReportImport');

  constructor(
    private readonly reads: ReportingReads,
    @Inject(RoadmapCommands) private readonly commands: RoadmapCommands,
    @Inject(ProjectionHost) private readonly projections: ProjectionHost,
  ) {}

  async run(input: { organisationId: string; bytes: Buffer; filename: string | null; principal: Principal; dryRun: boolean; limits: ImportLimits; metadata: CommandMetadata }): Promise<ImportAnswer> {
    return runReportImport({
      ...input,
      sheets: await this.reads.sheetsOf(input.organisationId),
      commands: this.commands,
      write: async (sheetId, command) => {
        const outcome = await this.commands.onSheet(sheetId, command, pilotWritePolicy(input.principal, sheetId));
        return { eventId: outcome.eventIds[0]!, position: outcome.position };
      },
      visible: async (lastPosition) => {
        try {
          await this.projections.waitFor(lastPosition);
          return () => true;
        } catch {
          // Stopped on an error or behind the wait: the rows written are stored, those not shown yet say so (202).
          const shownUpTo = this.projections.checkpoint;
          return (position) => position <= shownUpTo;
        }
      },
      onFailure: (error) => this.logger.error(error instanceof Error ? error.stack ?? error.message : String(error)),
    });
  }
}
