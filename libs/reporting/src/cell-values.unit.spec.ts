import { describe, expect, it } from '@jest/globals';
import { excelSerialToDay, parseDayText, parseDecimalText, parseQualifier } from './cell-values.js';

describe('reading cells as pilots type them', () => {
  it('reads days written the French way or in ISO form, and refuses days that do not exist', () => {
    expect(parseDayText('31/03/2024')).toBe('2024-03-31');
    expect(parseDayText('1/4/2024')).toBe('2024-04-01');
    expect(parseDayText(' 2024-03-31 ')).toBe('2024-03-31');
    for (const t of ['31/02/2024', '2024-02-30', '03/31/2024', '31-03-2024', '2024/03/31', 'mars 2024', '']) expect(parseDayText(t)).toBeNull();
  });

  it('reads Excel serial dates in the 1900 system (with its phantom 29 February 1900) and the 1904 one', () => {
    expect(excelSerialToDay(45382)).toBe('2024-03-31');
    expect(excelSerialToDay(45382.75)).toBe('2024-03-31');
    expect(excelSerialToDay(1)).toBe('1900-01-01');
    expect(excelSerialToDay(59)).toBe('1900-02-28');
    expect(excelSerialToDay(60)).toBeNull();
    expect(excelSerialToDay(61)).toBe('1900-03-01');
    expect(excelSerialToDay(43920, true)).toBe('2024-03-31');
    expect(excelSerialToDay(0)).toBeNull();
    expect(excelSerialToDay(-5)).toBeNull();
  });

  it('reads decimal commas and points and French thousands spaces; refuses what would be a guess', () => {
    expect(parseDecimalText('12,5')).toBe(12.5);
    expect(parseDecimalText('12.5')).toBe(12.5);
    expect(parseDecimalText('1 234,5')).toBe(1234.5);
    expect(parseDecimalText('1\u202f234')).toBe(1234);
    expect(parseDecimalText('-3')).toBe(-3);
    for (const t of ['1.234,5', '12,5,1', '12 %', 'douze', '', '1e3', 'Infinity']) expect(parseDecimalText(t)).toBeNull();
  });

  it('reads qualifiers in French, English codes or symbols', () => {
    expect(parseQualifier('environ')).toBe('about');
    expect(parseQualifier('Au  moins')).toBe('at_least');
    expect(parseQualifier('≤')).toBe('at_most');
    expect(parseQualifier('presque')).toBeNull();
  });
});
