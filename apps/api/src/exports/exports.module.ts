import { Module } from '@nestjs/common';
import { ExportsController } from './exports.controller.js';
import { OpenDataExports } from './open-data.service.js';

@Module({ controllers: [ExportsController], providers: [OpenDataExports] })
export class ExportsModule {}
