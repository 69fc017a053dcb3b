import { describe, expect, it } from '@jest/globals';
import { deterministicZip, zipEntries } from './assessment-archive.renderer.js';

describe('deterministic ZIP archives', () => {
  it('stamp a day past the DOS calendar (a period closing in 2100) without failing, the same bytes each time', () => {
    const entries = [{ path: 'mimetype', data: 'application/vnd.oasis.opendocument.text', stored: true }, { path: 'content.xml', data: '<x/>' }];
    const zip = deterministicZip(entries, '2100-10-31');
    expect(deterministicZip(entries, '2100-10-31')).toEqual(zip);
    expect(zipEntries(zip).map((e) => [e.path, new TextDecoder().decode(e.data as Uint8Array)])).toEqual([['mimetype', 'application/vnd.oasis.opendocument.text'], ['content.xml', '<x/>']]);
    expect(() => deterministicZip(entries, '1900-01-01')).not.toThrow();
  });
});
