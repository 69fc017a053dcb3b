import { describe, expect, it } from '@jest/globals';
import { DomainError } from '../shared/domain-error.js';
import { compareVersionLabels, isLaterVersion, isVersionLabel, parseVersionLabel, VERSION_LABEL, versionNumber } from './version-label.js';

describe('version labels', () => {
  it.each(['V1', 'V4', 'V10', 'V999'])('%s is a label', (label) => {
    expect(isVersionLabel(label)).toBe(true);
    expect(VERSION_LABEL.test(label)).toBe(true);
  });

  it.each(['4', 'v4', 'V', 'V4.1', 'V1000', ' V4', '', null, 4])('%j is not', (value) => {
    expect(isVersionLabel(value)).toBe(false);
    expect(() => parseVersionLabel(value)).toThrow(DomainError);
  });

  it('parses to the number and names the field in the error', () => {
    expect(versionNumber('V10')).toBe(10);
    expect(versionNumber('x')).toBeNaN();
    expect(parseVersionLabel('V5', 'toVersion')).toBe('V5');
    expect(() => parseVersionLabel('5', 'toVersion', 'V5')).toThrow(expect.objectContaining({ kind: 'invalid', code: 'invalid_version', details: { field: 'toVersion' }, message: 'toVersion must look like V5' }));
  });

  it('orders by number, so V10 comes after V9', () => {
    expect(['V10', 'V2', 'V9', 'V1'].sort(compareVersionLabels)).toEqual(['V1', 'V2', 'V9', 'V10']);
    expect(isLaterVersion('V10', 'V9')).toBe(true);
    expect(isLaterVersion('V4', 'V4')).toBe(false);
  });

  it('puts what is not a label after every label, without throwing', () => {
    expect(['b', 'V10', 'a', 'V3'].sort(compareVersionLabels)).toEqual(['V3', 'V10', 'a', 'b']);
  });
});
