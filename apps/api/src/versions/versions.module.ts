import { Module } from '@nestjs/common';
import { VersionsController } from './versions.controller.js';
import { VersionsService } from './versions.service.js';

/** Roadmap versions as events: carry-over, a sheet's lineage, the difference between two versions. */
@Module({ controllers: [VersionsController], providers: [VersionsService] })
export class VersionsModule {}
