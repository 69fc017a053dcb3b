import { describe, expect, it } from '@jest/globals';
import { upcastDomainEvent } from '../index.js';
import { upcastSheetEvent } from './sheet.upcasters.js';

const reportV1 = { sheetId: 's', indicatorId: 'i', reportId: 'r', value: 44, observedOn: '2018-12-31', territory: '24', source: 'Annexe 3', comment: 'about' };

describe('sheet events of schema version 1, read as version 2', () => {
  it('a report keeps its day; the qualifier the seed wrote into comment becomes the qualifier, and comment is null again', () => {
    expect(upcastSheetEvent('IndicatorReported', 1, reportV1)).toEqual({ ...reportV1, observed: '2018-12-31', qualifier: 'about', comment: null, zone: null });
    expect(upcastSheetEvent('IndicatorReported', 1, { ...reportV1, comment: 'more_than' })).toMatchObject({ qualifier: 'more_than', comment: null });
  });

  it('keeps the keys in the order of the stored text, then the new ones (documents are stored as JSON text)', () => {
    const parsed = JSON.parse(JSON.stringify(reportV1)) as Record<string, unknown>;
    expect(JSON.stringify(upcastSheetEvent('IndicatorReported', 1, parsed))).toBe(JSON.stringify({ ...reportV1, qualifier: 'about', comment: null, observed: '2018-12-31', zone: null }));
    expect(parsed).toEqual(reportV1);
    const odd = JSON.parse('{"sheetId":"s","observedOn":"2018-12-31","__proto__":{"x":1}}') as Record<string, unknown>;
    const upcast = upcastSheetEvent('IndicatorReported', 1, odd) as Record<string, unknown>;
    expect(Object.getPrototypeOf(upcast)).toBe(Object.prototype);
    expect(Object.keys(upcast)).toEqual(['sheetId', 'observedOn', '__proto__', 'qualifier', 'comment', 'observed', 'zone']);
  });

  it('changes data the reader owns in place, to the same keys in the same order as the copy; data it does not own is left as it was', () => {
    const text = JSON.stringify(reportV1);
    const copy = upcastSheetEvent('IndicatorReported', 1, JSON.parse(text));
    const owned = JSON.parse(text) as Record<string, unknown>;
    const inPlace = upcastDomainEvent('IndicatorReported', 1, owned, true);
    expect(inPlace).toBe(owned);
    expect(JSON.stringify(inPlace)).toBe(JSON.stringify(copy));
    const notOwned = JSON.parse(text) as Record<string, unknown>;
    expect(upcastDomainEvent('IndicatorReported', 1, notOwned)).not.toBe(notOwned);
    expect(notOwned).toEqual(reportV1);
    for (const [type, data] of [
      ['IndicatorReportCorrected', { sheetId: 's', indicatorId: 'i', reportId: 'r', value: 6, observedOn: '2024-03-31', reason: 'x' }],
      ['MilestoneReached', { sheetId: 's', milestoneId: 'm', reachedOn: '2021-03-31', evidence: null }],
      ['SheetCreated', { sheetId: 's', indicators: [{ indicatorId: 'i', name: 'I', unit: 'count', targets: [{ value: 1, by: '2025-12-31' }] }] }],
    ] as const) {
      const mine = JSON.parse(JSON.stringify(data)) as Record<string, unknown>;
      expect(JSON.stringify(upcastSheetEvent(type, 1, mine, true))).toBe(JSON.stringify(upcastSheetEvent(type, 1, data)));
    }
    // An own "__proto__" key of the stored text stays a key, and the prototype stays Object's.
    const odd = JSON.parse('{"sheetId":"s","observedOn":"2018-12-31","__proto__":{"x":1}}') as Record<string, unknown>;
    const upcast = upcastSheetEvent('IndicatorReported', 1, odd, true) as Record<string, unknown>;
    expect(Object.getPrototypeOf(upcast)).toBe(Object.prototype);
    expect(Object.keys(upcast)).toEqual(['sheetId', 'observedOn', '__proto__', 'qualifier', 'comment', 'observed', 'zone']);
  });

  it('any other comment stays a comment and the value is exact; a zone given is kept', () => {
    expect(upcastSheetEvent('IndicatorReported', 1, { ...reportV1, comment: 'environ', zone: 'publique' })).toMatchObject({ qualifier: 'exact', comment: 'environ', zone: 'publique' });
    expect(upcastSheetEvent('IndicatorReported', 1, { ...reportV1, comment: null })).toMatchObject({ qualifier: 'exact', comment: null });
  });

  it('a target keeps its day as due date, with no territory, zone nor horizon, and exact', () => {
    const created = { sheetId: 's', indicators: [{ indicatorId: 'i', name: 'I', unit: 'percent', targets: [{ value: 82, by: '2022-12-31', label: 'prévu en 2022' }] }] };
    expect(upcastSheetEvent('SheetCreated', 1, created)).toEqual({
      sheetId: 's', indicators: [{ indicatorId: 'i', name: 'I', unit: 'percent', targets: [{ value: 82, qualifier: 'exact', due: '2022-12-31', horizon: null, territory: null, zone: null, label: 'prévu en 2022' }] }],
    });
    expect(upcastSheetEvent('IndicatorTargetSet', 1, { sheetId: 's', indicatorId: 'i', target: { value: 1, by: '2025-12-31' } })).toMatchObject({ target: { due: '2025-12-31', label: null, qualifier: 'exact' } });
    expect(upcastSheetEvent('IndicatorAdded', 1, { sheetId: 's', indicator: { indicatorId: 'i', name: 'I', unit: 'count', targets: [{ value: 1, by: '2025-12-31' }] } })).toMatchObject({ indicator: { targets: [{ due: '2025-12-31' }] } });
    expect(upcastSheetEvent('SheetCarriedOver', 1, { sheetId: 's', addedIndicators: [{ indicatorId: 'i', name: 'I', unit: 'count', targets: [{ value: 1, by: '2025-12-31' }] }] })).toMatchObject({ addedIndicators: [{ targets: [{ due: '2025-12-31' }] }] });
  });

  it('a correction and a reached milestone keep their day as printed; the statement day is unknown', () => {
    expect(upcastSheetEvent('IndicatorReportCorrected', 1, { sheetId: 's', indicatorId: 'i', reportId: 'r', value: 6, observedOn: '2024-03-31', reason: 'x' })).toMatchObject({ observed: '2024-03-31', observedOn: '2024-03-31' });
    expect(upcastSheetEvent('MilestoneReached', 1, { sheetId: 's', milestoneId: 'm', reachedOn: '2021-03-31', evidence: null })).toEqual({ sheetId: 's', milestoneId: 'm', reached: '2021-03-31', statedOn: null, reachedOn: '2021-03-31', evidence: null });
  });

  it('leaves version 2, other types and data already of the current shape as they are', () => {
    const v2 = { ...reportV1, comment: 'about', qualifier: 'exact', observed: '2018', zone: null };
    expect(upcastSheetEvent('IndicatorReported', 2, v2)).toBe(v2);
    expect(upcastSheetEvent('IndicatorReported', 1, v2)).toBe(v2);
    const retired = { sheetId: 's', reason: 'completed' };
    expect(upcastDomainEvent('SheetRetired', 1, retired)).toBe(retired);
    expect(upcastDomainEvent('RoadmapCreated', 1, { roadmapId: 'r' })).toEqual({ roadmapId: 'r' });
    const once = upcastSheetEvent('SheetCreated', 1, { sheetId: 's', indicators: [{ indicatorId: 'i', name: 'I', unit: 'count', targets: [{ value: 1, by: '2025-12-31' }] }] });
    expect(upcastSheetEvent('SheetCreated', 1, once)).toEqual(once);
  });
});
