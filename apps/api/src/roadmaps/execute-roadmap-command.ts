import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { RoadmapCommands, type CommandOutcome, type WithMetadata } from '#application';
import type { RoadmapCommand } from '#domain';
import { ProjectionHost } from '#projections';
import { visible } from '../http/read-your-writes.js';

/** Any write on a roadmap (create it, draft or adopt a version), as the API receives it. */
export class ExecuteRoadmapCommand extends Command<CommandOutcome> {
  constructor(
    readonly roadmapId: string,
    readonly command: WithMetadata<RoadmapCommand>,
  ) {
    super();
  }
}

@CommandHandler(ExecuteRoadmapCommand)
export class ExecuteRoadmapCommandHandler implements ICommandHandler<ExecuteRoadmapCommand> {
  constructor(
    @Inject(RoadmapCommands) private readonly commands: RoadmapCommands,
    @Inject(ProjectionHost) private readonly runner: ProjectionHost,
  ) {}

  async execute({ roadmapId, command }: ExecuteRoadmapCommand): Promise<CommandOutcome> {
    // Read-your-writes: answer once every read model shows the new events.
    return visible(this.runner, await this.commands.onRoadmap(roadmapId, command));
  }
}
