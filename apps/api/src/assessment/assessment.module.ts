import { Module } from '@nestjs/common';
import { AssessmentController } from './assessment.controller.js';

/** The assessment of a roadmap version (json, md, html), computed from the read models. */
@Module({ controllers: [AssessmentController] })
export class AssessmentModule {}
