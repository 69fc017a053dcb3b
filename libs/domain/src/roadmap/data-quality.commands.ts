import type { CommandClock } from '../shared/decider.js';
import type { FigureValue, FindingFigure, FindingTarget, Provenance, WorkedFigures } from './data-quality.events.js';

interface Ctx {
  metadata: CommandClock;
}

export type RecordFinding = { type: 'RecordFinding'; data: { findingId: string; description: string; figures: FindingFigure[]; workedFigures?: WorkedFigures; refersTo: FindingTarget[]; provenance?: Provenance[] } } & Ctx;
/** `on` defaults to the day the command is decided. */
export type ResolveFinding = { type: 'ResolveFinding'; data: { findingId: string; resolution: string; on?: string } } & Ctx;
export type WithdrawFinding = { type: 'WithdrawFinding'; data: { findingId: string; reason: string } } & Ctx;
export type RecordGovernance = { type: 'RecordGovernance'; data: { version: string; factId: string; kind: string; statement: string; details?: Record<string, FigureValue>; provenance?: Provenance[] } } & Ctx;

export type DataQualityCommand = RecordFinding | ResolveFinding | WithdrawFinding | RecordGovernance;
