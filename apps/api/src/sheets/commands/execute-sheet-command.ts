import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { pilotWritePolicy, RoadmapCommands, type CommandOutcome, type WithMetadata } from '#application';
import type { Principal } from '#auth';
import type { SheetCommand } from '#domain';
import { ProjectionHost } from '#projections';
import { visible } from '../../http/read-your-writes.js';

/** Any write on a sheet, as the API receives it: who asks, on which sheet, what (with its metadata). */
export class ExecuteSheetCommand extends Command<CommandOutcome> {
  constructor(
    readonly sheetId: string,
    readonly command: WithMetadata<SheetCommand>,
    readonly principal: Principal,
  ) {
    super();
  }
}

@CommandHandler(ExecuteSheetCommand)
export class ExecuteSheetCommandHandler implements ICommandHandler<ExecuteSheetCommand> {
  constructor(
    @Inject(RoadmapCommands) private readonly commands: RoadmapCommands,
    @Inject(ProjectionHost) private readonly runner: ProjectionHost,
  ) {}

  async execute({ sheetId, command, principal }: ExecuteSheetCommand): Promise<CommandOutcome> {
    const outcome = await this.commands.onSheet(sheetId, command, pilotWritePolicy(principal, sheetId));
    // Read-your-writes: answer once every read model shows the new events.
    return visible(this.runner, outcome);
  }
}
