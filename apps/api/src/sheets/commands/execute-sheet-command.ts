import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { RoadmapCommands, type CommandOutcome, type SheetCommandInput } from '#application';
import type { Principal } from '#auth';
import { DomainError, notFound, type SheetState } from '#domain';
import { ProjectionHost } from '#projections';
import { actorOf } from '../../auth/access.decorator.js';
import { visible, type WriteResult } from '../../http/read-your-writes.js';

export type { WriteResult } from '../../http/read-your-writes.js';

/** Any write on a sheet, as the API receives it: who asks, on which sheet, what. */
export class ExecuteSheetCommand extends Command<WriteResult> {
  constructor(
    readonly sheetId: string,
    readonly input: SheetCommandInput,
    readonly principal: Principal,
    readonly correlationId: string,
    readonly causationId: string | null = null,
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

  async execute({ sheetId, input, principal, correlationId, causationId }: ExecuteSheetCommand): Promise<WriteResult> {
    const guard = principal.role === 'pilot' ? (state: SheetState) => authorisePilot(sheetId, principal, state) : undefined;
    const outcome: CommandOutcome = await this.commands.onSheet(sheetId, input, {
      actor: actorOf(principal), correlationId, causationId, source: 'api',
    }, guard);
    // Read-your-writes: answer once every read model shows the new events.
    return visible(this.runner, outcome);
  }
}

/**
 * A pilot writes only on the sheets its organisation pilots, checked against the state the command
 * is decided on (so a change of pilots and a report cannot cross each other).
 */
function authorisePilot(sheetId: string, principal: Principal, state: SheetState): void {
  if (state.status === 'none') throw notFound('sheet_not_found', `no sheet ${sheetId}`, { sheetId });
  if (!principal.organisationId || !state.fields.pilots.includes(principal.organisationId)) {
    throw new DomainError('not_a_pilot', `organisation ${principal.organisationId ?? '(none)'} does not pilot sheet ${sheetId}`, 'forbidden', { sheetId });
  }
}
