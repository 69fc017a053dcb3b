import { Module, type DynamicModule } from '@nestjs/common';
import { overTracker } from '../infrastructure/tracker.module.js';
import { ExecuteSheetCommandHandler } from './commands/execute-sheet-command.js';
import { SheetQueries } from './queries/sheet-queries.service.js';
import { SheetsController } from './sheets.controller.js';

/** Sheets: their writes (through the command bus) and their reads, at any valid and record time. */
@Module({ controllers: [SheetsController], providers: [ExecuteSheetCommandHandler, SheetQueries] })
export class SheetsModule {
  static forTracker(tracker: DynamicModule): DynamicModule {
    return overTracker(SheetsModule, tracker);
  }
}
