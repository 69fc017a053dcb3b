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

  it('neutralises a text cell a spreadsheet would run as a formula, with a leading apostrophe', () => {
    expect(csvField('=HYPERLINK("http://x","y")')).toBe('"\'=HYPERLINK(""http://x"",""y"")"');
    expect(csvField('+33 2 38 70 30 30')).toBe("'+33 2 38 70 30 30");
    expect(csvField('-1+1')).toBe("'-1+1");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField('\tcmd')).toBe("'\tcmd");
    expect(csvField('\rcmd')).toBe('"\'\rcmd"');
    // Inside the text, the same characters are harmless.
    expect(csvField('a=b-c')).toBe('a=b-c');
    expect(csvField('2023-12-31')).toBe('2023-12-31');
  });

  it('keeps negative numbers as numbers: a JavaScript number, or a number literal in a number column', () => {
    expect(csvField(-3)).toBe('-3');
    expect(csvField(-0.25)).toBe('-0.25');
    expect(csvField('-3', 'number')).toBe('-3');
    expect(csvField('-3', 'integer')).toBe('-3');
    expect(csvField('-3')).toBe("'-3");
    // Not a number: still neutralised, even in a number column.
    expect(csvField('-3+cmd', 'number')).toBe("'-3+cmd");
    expect(csvField('=1', 'integer')).toBe("'=1");
    const csv = toCsv([{ name: 'zone', type: 'string' }, { name: 'value', type: 'number' }, 'note'], [{ zone: '-x', value: -3, note: '=1+1' }, { zone: 'a', value: '-4.5', note: null }]);
    expect(csv).toBe("zone,value,note\r\n'-x,-3,'=1+1\r\na,-4.5,\r\n");
  });
});
