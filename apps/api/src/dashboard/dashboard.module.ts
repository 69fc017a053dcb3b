import { Module } from '@nestjs/common';
import { SheetQueries } from '../sheets/queries/sheet-queries.service.js';
import { DashboardData } from './dashboard-data.service.js';
import { DashboardController } from './dashboard.controller.js';

@Module({ controllers: [DashboardController], providers: [DashboardData, SheetQueries] })
export class DashboardModule {}
