import { describe, expect, it } from '@jest/globals';
import { given } from '../../../../tests/support/decider-scenario.js';
import type { SheetCommand } from './sheet.commands.js';
import { sheetDecider } from './sheet.decider.js';
import type { SheetEvent } from './sheet.events.js';

const SHEET = 'open-data-challenge';
const created: SheetEvent = {
  type: 'SheetCreated',
  data: {
    sheetId: SHEET, roadmapId: 'scoran-centre-val-de-loire', version: 'V4', number: '3.10', kind: 'projet', enjeu: 'performance', title: 'Défi open data',
    objective: null, theme: null, context: null, objectives: null, pilots: ['region-centre-val-de-loire'], partners: [],
    indicators: [{ indicatorId: 'datasets-published', name: 'Jeux de données publiés', unit: 'count', targets: [] }], milestones: [], continues: [],
  },
};
const setFrequency = (frequency: unknown, indicatorId = 'datasets-published'): SheetCommand =>
  ({ type: 'SetIndicatorFrequency', data: { indicatorId, frequency }, metadata: { now: new Date('2024-06-30T12:00:00Z') } }) as SheetCommand;
const frequencySet = (frequency: string | null, previous: string | null): SheetEvent =>
  ({ type: 'IndicatorFrequencySet', data: { sheetId: SHEET, indicatorId: 'datasets-published', frequency, previous } }) as SheetEvent;

describe('setting how often an indicator is reported', () => {
  it('records the frequency and the one it replaces', () => {
    const state = given(sheetDecider, [created]).when(setFrequency('quarterly')).then([frequencySet('quarterly', null)]);
    expect(state.indicators.get('datasets-published')!.frequency).toBe('quarterly');
    given(sheetDecider, [created, frequencySet('quarterly', null)]).when(setFrequency('yearly')).then([frequencySet('yearly', 'quarterly')]);
  });

  it('null removes the frequency', () => {
    given(sheetDecider, [created, frequencySet('monthly', null)]).when(setFrequency(null)).then([frequencySet(null, 'monthly')]);
  });

  it('refuses a frequency the indicator already has, an unknown frequency and an unknown indicator', () => {
    given(sheetDecider, [created, frequencySet('monthly', null)]).when(setFrequency('monthly')).thenThrows('same_frequency', 'rule');
    given(sheetDecider, [created]).when(setFrequency(null)).thenThrows('same_frequency', 'rule');
    given(sheetDecider, [created]).when(setFrequency('weekly')).thenThrows('invalid_frequency', 'invalid');
    given(sheetDecider, [created]).when(setFrequency('yearly', 'unknown')).thenThrows('indicator_not_found', 'not_found');
  });

  it('is refused on a closed sheet and on a sheet that does not exist', () => {
    const completed: SheetEvent = { type: 'ProjectCompleted', data: { sheetId: SHEET, completedOn: '2024-05-31', summary: null } };
    given(sheetDecider, [created, completed]).when(setFrequency('yearly')).thenThrows('sheet_closed', 'rule');
    given(sheetDecider, []).when(setFrequency('yearly')).thenThrows('sheet_not_found', 'not_found');
  });
});
