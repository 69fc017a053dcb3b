import { describe, expect, it } from '@jest/globals';
import { deserialize, serialize } from 'node:v8';
import { deterministicId, timeOrderedId } from '#event-store';
import { ReportTable, type ReportState } from './report-table.js';

const report = (value: number, over: Partial<ReportState> = {}): ReportState =>
  ({ value, qualifier: 'exact', observed: '2024-03-31', observedOn: '2024-03-31', territory: '24', ...over });

/** Every shape of id the tracker writes, and some it does not. */
const ids = [
  timeOrderedId(), timeOrderedId(), '0190a5b2-0000-7000-8000-000000000000', 'ffffffff-ffff-7fff-bfff-ffffffffffff',
  deterministicId('seed', 'a', 1), deterministicId('import', 'org', 'sheet', 2), 'seed-000000000000000000000000',
  'r1', '', '0190A5B2-0000-7000-8000-000000000000', 'other-0123456789abcdef01234567', 'seed-0123', 'seed-0123456789abcdef0123456789',
];

describe('ReportTable', () => {
  it('gives back each report under its id, whatever the id looks like, and nothing under an id it was not given', () => {
    const table = new ReportTable();
    ids.forEach((id, i) => table.set(id, report(i, { territory: i % 2 ? null : '37', qualifier: i % 3 ? 'exact' : 'about' })));
    expect(table.size).toBe(ids.length);
    ids.forEach((id, i) => expect(table.get(id)).toEqual(report(i, { territory: i % 2 ? null : '37', qualifier: i % 3 ? 'exact' : 'about' })));
    for (const absent of [timeOrderedId(), deterministicId('seed', 'b'), deterministicId('import', 'b'), 'r2', 'seed-000000000000000000000001', '0190a5b2-0000-7000-8000-000000000001']) {
      expect(table.has(absent)).toBe(false);
      expect(table.get(absent)).toBeUndefined();
    }
  });

  it('tells apart ids packed to the same words: an upper-case UUID, a seed id and an import id of the same digits', () => {
    const table = new ReportTable();
    const digits = '0123456789abcdef01234567';
    table.set(`seed-${digits}`, report(1));
    table.set(`import-${digits}`, report(2));
    table.set('01234567-89ab-cdef-0123-4567890abcde', report(3));
    table.set('01234567-89AB-CDEF-0123-4567890ABCDE', report(4));
    expect([...table.keys()]).toEqual([`seed-${digits}`, `import-${digits}`, '01234567-89ab-cdef-0123-4567890abcde', '01234567-89AB-CDEF-0123-4567890ABCDE']);
    expect([...table].map(([, r]) => r.value)).toEqual([1, 2, 3, 4]);
  });

  it('replaces a report set again under its id, in its place', () => {
    const table = new ReportTable().set('r1', report(1)).set(ids[0]!, report(2)).set('r3', report(3));
    table.set(ids[0]!, report(20, { observed: '2024-Q1', qualifier: 'about' }));
    table.set('r1', report(10));
    expect(table.size).toBe(3);
    expect([...table]).toEqual([['r1', report(10)], [ids[0], report(20, { observed: '2024-Q1', qualifier: 'about' })], ['r3', report(3)]]);
  });

  it('takes back its last reports, last first, and is then as it was before they were set', () => {
    // 200 reports over a table that rehashes seven times: probe runs cross each other and wrap around.
    const many = Array.from({ length: 200 }, (_, i) => (i % 7 === 3 ? `r-${i}` : i % 5 === 0 ? deterministicId('import', i) : timeOrderedId()));
    const table = new ReportTable();
    many.forEach((id, i) => table.set(id, report(i, { territory: i % 2 ? null : '18' })));
    for (let n = many.length; n > 0; n--) {
      // Only the last report can be taken back; any other id changes nothing.
      expect(table.removeLast(many[0]!)).toBe(n === 1);
      if (n === 1) break;
      expect(table.removeLast('r-unknown')).toBe(false);
      expect(table.removeLast(many[n - 1]!)).toBe(true);
      expect(table.size).toBe(n - 1);
      expect(table.has(many[n - 1]!)).toBe(false);
      if (n % 37 === 0) {
        expect([...table.keys()]).toEqual(many.slice(0, n - 1));
        many.slice(0, n - 1).forEach((id, i) => expect(table.get(id)).toEqual(report(i, { territory: i % 2 ? null : '18' })));
      }
    }
    expect(table.size).toBe(0);
    expect(table.removeLast(many[0]!)).toBe(false);
    // Taken back, then given again: the same table as one that never had them.
    many.forEach((id, i) => table.set(id, report(i)));
    table.removeLast(many[199]!);
    table.removeLast(many[198]!);
    table.set(many[198]!, report(198));
    expect([...table.keys()]).toEqual(many.slice(0, 199));
    many.slice(0, 199).forEach((id, i) => expect(table.get(id)).toEqual(report(i)));
    expect(table.has(many[199]!)).toBe(false);
  });

  it('keeps 100 000 reports, in order, and finds each of them again', () => {
    const table = new ReportTable();
    const many = Array.from({ length: 100_000 }, (_, i) => (i % 10 === 0 ? deterministicId('import', i) : timeOrderedId()));
    many.forEach((id, i) => table.set(id, report(i, { observedOn: `2024-01-${String((i % 28) + 1).padStart(2, '0')}` })));
    expect(table.size).toBe(100_000);
    expect([...table.keys()]).toEqual(many);
    for (let i = 0; i < many.length; i += 997) expect(table.get(many[i]!)).toMatchObject({ value: i, observedOn: `2024-01-${String((i % 28) + 1).padStart(2, '0')}` });
    expect(table.has(timeOrderedId())).toBe(false);
  });

  it('comes back from the V8 serializer whole, and goes on taking reports', () => {
    const table = new ReportTable();
    ids.forEach((id, i) => table.set(id, report(i)));
    const revived = ReportTable.revive(deserialize(serialize(table)));
    expect(revived).toBeInstanceOf(ReportTable);
    expect([...revived]).toEqual([...table]);
    const more = Array.from({ length: 50 }, () => timeOrderedId());
    more.forEach((id, i) => revived.set(id, report(100 + i)));
    expect(revived.size).toBe(ids.length + 50);
    more.forEach((id, i) => expect(revived.get(id)?.value).toBe(100 + i));
    ids.forEach((id, i) => expect(revived.get(id)?.value).toBe(i));
  });

  it('keeps no view into its snapshot\'s bytes once revived: each column has a buffer of its own', () => {
    const table = new ReportTable();
    ids.forEach((id, i) => table.set(id, report(i)));
    const bytes = serialize(table);
    const columns = (t: object) => Object.values(t).filter((v): v is Uint8Array => ArrayBuffer.isView(v));
    const read = deserialize(bytes) as ReportTable;
    // What Node's deserializer gives: an aligned column is a view into the buffer of the bytes it read.
    expect(columns(read).some((c) => c.buffer.byteLength > c.byteLength)).toBe(true);
    const revived = ReportTable.revive(read);
    expect(columns(revived)).toHaveLength(5);
    for (const c of columns(revived)) expect([c.byteOffset, c.buffer.byteLength]).toEqual([0, c.byteLength]);
    expect([...revived]).toEqual([...table]);
  });

  it('hands out copies: changing one changes nothing in the table', () => {
    const table = new ReportTable().set('r1', report(1));
    table.get('r1')!.value = 99;
    expect(table.get('r1')!.value).toBe(1);
  });
});
