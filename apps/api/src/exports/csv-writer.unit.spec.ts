import { describe, expect, it } from '@jest/globals';
import { csvField, toCsv } from './csv-writer.js';

describe('csv writer', () => {
  it('leaves plain fields alone and quotes the ones RFC 4180 says must be quoted', () => {
    expect(csvField('Loiret')).toBe('Loiret');
    expect(csvField('Cher, Indre')).toBe('"Cher, Indre"');
    expect(csvField('dit "SCORAN"')).toBe('"dit ""SCORAN"""');
    expect(csvField('ligne 1\nligne 2')).toBe('"ligne 1\nligne 2"');
    expect(csvField(' espace')).toBe('" espace"');
    expect(csvField(null)).toBe('');
    expect(csvField(0.5)).toBe('0.5');
    expect(csvField(Number.NaN)).toBe('');
  });

  it('writes a header then one CRLF-terminated line per row, in column order', () => {
    const csv = toCsv(['a', 'b'], [{ b: 2, a: 'é' }, { a: null, b: 'x,y' }]);
    expect(csv).toBe('a,b\r\né,2\r\n,"x,y"\r\n');
  });
});
