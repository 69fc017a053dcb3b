import { Inject, Injectable, Logger } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { RoadmapCommands, type CommandMetadata, type CommandOutcome } from '#application';
import type { Principal } from '#auth';
import { runReportImport, type ImportAnswer, type ImportLimits } from '#reporting';
import { ExecuteSheetCommand } from '../sheets/commands/execute-sheet-command.js';
import { StoredNotVisible } from '../http/read-your-writes.js';
import { ReportingReads } from './reporting-reads.service.js';

export type { ImportAnswer, RowOutcome } from '#reporting';

/**
 * A filled template over HTTP: `runReportImport` with each row written through ExecuteSheetCommand,
 * so that the caller's pilot policy and read-your-writes apply as on the form.
 */
@Injectable()
export class ReportImport {
  private readonly logger = new Logger('ReportImport');

  constructor(
    private readonly reads: ReportingReads,
    private readonly commandBus: CommandBus,
    @Inject(RoadmapCommands) private readonly commands: RoadmapCommands,
  ) {}

  async run(input: { organisationId: string; bytes: Buffer; filename: string | null; principal: Principal; dryRun: boolean; limits: ImportLimits; metadata: CommandMetadata }): Promise<ImportAnswer> {
    return runReportImport({
      ...input,
      sheets: await this.reads.sheetsOf(input.organisationId),
      commands: this.commands,
      write: async (sheetId, command) => {
        try {
          const outcome = await this.commandBus.execute<ExecuteSheetCommand, CommandOutcome>(new ExecuteSheetCommand(sheetId, command, input.principal));
          return { eventId: outcome.eventIds[0]!, visible: true };
        } catch (error) {
          if (error instanceof StoredNotVisible) return { eventId: error.result.eventIds[0]!, visible: false };
          throw error;
        }
      },
      onFailure: (error) => this.logger.error(error instanceof Error ? error.stack ?? error.message : String(error)),
    });
  }
}
