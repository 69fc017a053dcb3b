import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { zipSync } from 'fflate';
import ICAL from 'ical.js';
import { createFixture } from '../support/roadmap-fixture.js';
import { fillTemplate, type TemplateEdits } from '../support/spreadsheet-filler.js';
import { ADMIN_TOKEN, startTestApp, type RunningApp } from '../support/test-app.js';

const ORG = '/api/organisations/pilot-org';
const SHEET = '/api/sheets/csirt-cyberreponse';
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

describe('reporting from a spreadsheet, over real HTTP', () => {
  let app: RunningApp;
  let pilot: string;
  let otherPilot: string;
  let template: Buffer;

  const head = async (): Promise<number> => (await app.call('GET', '/health')).body.store.head;
  const download = async (path: string, token: string) => {
    const res = await fetch(`${app.baseUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, type: res.headers.get('content-type'), bytes: Buffer.from(await res.arrayBuffer()) };
  };
  const upload = async (bytes: Buffer, opts: { token?: string; org?: string; dryRun?: boolean; filename?: string; field?: string } = {}) => {
    const form = new FormData();
    form.append(opts.field ?? 'file', new Blob([new Uint8Array(bytes)]), opts.filename ?? 'saisie.xlsx');
    const res = await fetch(`${app.baseUrl}/api/organisations/${opts.org ?? 'pilot-org'}/reports/import${opts.dryRun ? '?dryRun=true' : ''}`, {
      method: 'POST', headers: { authorization: `Bearer ${opts.token ?? pilot}` }, body: form,
    });
    const text = await res.text();
    return { status: res.status, body: JSON.parse(text) };
  };
  const filled = (edits: TemplateEdits) => fillTemplate(template, edits);

  beforeAll(async () => {
    app = await startTestApp();
    await createFixture(app);
    pilot = (await app.call('POST', '/api/tokens', { body: { role: 'pilot', organisationId: 'pilot-org' } })).body.token;
    otherPilot = (await app.call('POST', '/api/tokens', { body: { role: 'pilot', organisationId: 'other-org' } })).body.token;
    // A department already reported: the template then has a row for that scope too.
    expect((await app.call('POST', `${SHEET}/indicators/interventions/reports`, { token: pilot, body: { value: 5, observedOn: '2024-03-31', territory: '37' } })).status).toBe(201);
  });
  afterAll(() => app.close(true));

  it('the secretariat sets an indicator\'s frequency; a pilot may not', async () => {
    const frequencyOf = (doc: { indicators: Array<{ indicatorId: string; frequency: unknown }> }) => doc.indicators.map((i) => [i.indicatorId, i.frequency]);
    const unset = (await app.call('GET', SHEET)).body;
    expect(frequencyOf(unset)).toEqual([['interventions', null], ['coverage', null]]);
    const set = await app.call('PUT', `${SHEET}/indicators/interventions/frequency`, { body: { frequency: 'quarterly' } });
    expect(set.status).toBe(201);
    expect(set.body.eventIds).toHaveLength(1);
    expect((await app.call('PUT', `${SHEET}/indicators/interventions/frequency`, { token: pilot, body: { frequency: 'yearly' } })).status).toBe(403);
    expect((await app.call('PUT', `${SHEET}/indicators/interventions/frequency`, { body: { frequency: 'weekly' } })).status).toBe(400);
    expect((await app.call('PUT', `${SHEET}/indicators/interventions/frequency`, { body: { frequency: 'quarterly' } })).body.error).toBe('same_frequency');
    const history = await app.call('GET', `${SHEET}/history`);
    expect(history.body.events.at(-1)).toMatchObject({ type: 'IndicatorFrequencySet', data: { indicatorId: 'interventions', frequency: 'quarterly', previous: null } });
    // The sheet's document carries it; as known before it was set, the sheet had none.
    expect(frequencyOf((await app.call('GET', SHEET)).body)).toEqual([['interventions', 'quarterly'], ['coverage', null]]);
    expect(frequencyOf((await app.call('GET', `${SHEET}?knownAt=${encodeURIComponent(unset.updatedAt)}`)).body)).toEqual([['interventions', null], ['coverage', null]]);
  });

  it('a pilot downloads its template as .xlsx and .csv; a pilot of another organisation may not', async () => {
    const xlsx = await download(`${ORG}/report-template.xlsx`, pilot);
    expect([xlsx.status, xlsx.type]).toEqual([200, XLSX_TYPE]);
    expect(xlsx.bytes.subarray(0, 2).toString()).toBe('PK');
    template = xlsx.bytes;
    expect((await download(`${ORG}/report-template.xlsx`, pilot)).bytes.equals(template)).toBe(true);
    const csv = await download(`${ORG}/report-template.csv`, pilot);
    expect(csv.status).toBe(200);
    expect(csv.type).toContain('text/csv');
    const text = csv.bytes.toString('utf8');
    expect(text.charCodeAt(0)).toBe(0xfeff);
    const lines = text.slice(1).trimEnd().split('\r\n');
    expect(lines[0]).toBe('N° fiche,Fiche,Indicateur,Unité,Territoire,Zone,Dernière valeur,Dernière valeur observée le,Cible,Cible à atteindre le,Valeur,Observé le,Qualificatif,Commentaire,Réf.,sheetId,indicatorId,territory,zone');
    expect(lines.slice(1).map((l) => l.split(',').slice(15).join(','))).toEqual([
      'csirt-cyberreponse,interventions,,', 'csirt-cyberreponse,interventions,37,', 'csirt-cyberreponse,coverage,,',
    ]);
    expect(lines[2]).toContain(',5,2024-03-31,40,2026-06-30,');
    expect((await download(`${ORG}/report-template.xlsx`, otherPilot)).status).toBe(403);
    expect((await download('/api/organisations/no-such-org/report-template.xlsx', ADMIN_TOKEN)).status).toBe(404);
  });

  describe('a file filled with openpyxl', () => {
    let file: Buffer;
    beforeAll(() => {
      file = filled({
        // Row 2: interventions, region; row 3: interventions, department 37; row 4: coverage, region.
        cells: [
          { ref: 'K2', value: '12' }, { ref: 'L2', value: '31/03/2024' }, { ref: 'N2', value: 'premier trimestre' },
          { ref: 'K3', value: 7, as: 'number' }, { ref: 'L3', value: '2024-06-30', as: 'date' }, { ref: 'M3', value: 'environ' },
          { ref: 'K4', value: '37,5' }, { ref: 'L4', value: 45382, as: 'number' },
          { ref: 'P2', value: 'à revoir' },
        ],
        columns: { P: 'Notes' },
      });
    });

    it('a dry run answers every row and writes nothing', async () => {
      const before = await head();
      const r = await upload(file, { dryRun: true });
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ dryRun: true, format: 'xlsx', summary: { would_write: 3, refused: 0, written: 0 }, ignoredColumns: [{ column: 'P', header: 'Notes' }] });
      expect(r.body.rows.map((x: any) => [x.row, x.outcome, x.indicatorId])).toEqual([[2, 'would_write', 'interventions'], [3, 'would_write', 'interventions'], [4, 'would_write', 'coverage']]);
      expect(await head()).toBe(before);
    });

    it('a pilot of another organisation may not import for this one', async () => {
      const before = await head();
      const r = await upload(file, { token: otherPilot });
      expect(r.status).toBe(403);
      expect(r.body.error).toBe('not_your_organisation');
      expect(await head()).toBe(before);
    });

    it('the import writes each row through the report command and lists its event; the values read back', async () => {
      const before = await head();
      const r = await upload(file);
      expect(r.status).toBe(201);
      expect(r.body.summary).toMatchObject({ written: 3, refused: 0, already_recorded: 0 });
      expect(r.body.rows.every((x: any) => x.outcome === 'written' && typeof x.eventId === 'string')).toBe(true);
      expect(await head()).toBe(before + 3);
      const series = await app.call('GET', `${SHEET}/indicators/interventions/series`);
      expect(series.body.points.map((p: any) => [p.observedOn, p.value, p.territory])).toEqual([['2024-03-31', 5, '37'], ['2024-03-31', 12, null], ['2024-06-30', 7, '37']]);
      const coverage = await app.call('GET', `${SHEET}/indicators/coverage/series`);
      expect(coverage.body.points.map((p: any) => [p.observedOn, p.value])).toEqual([['2024-03-31', 37.5]]);
      const history = await app.call('GET', `${SHEET}/history`);
      const written = history.body.events.filter((e: any) => r.body.rows.some((x: any) => x.eventId === e.id));
      expect(written).toHaveLength(3);
      expect(written.every((e: any) => e.type === 'IndicatorReported' && /^pilot:.+@pilot-org$/.test(e.actor))).toBe(true);
      expect(written.find((e: any) => e.data.territory === '37').data).toMatchObject({ qualifier: 'about', comment: null, source: 'saisie.xlsx, ligne 3' });
    });

    it('the same file again writes nothing', async () => {
      const before = await head();
      const r = await upload(file);
      expect(r.status).toBe(200);
      expect(r.body.summary).toMatchObject({ written: 0, already_recorded: 3 });
      expect(await head()).toBe(before);
    });

    it('an Idempotency-Key tells uploads apart by their file: the same file replays, another file is refused', async () => {
      const send = async (bytes: Buffer, key: string, query = '?dryRun=true') => {
        // A new FormData each time: another multipart boundary around the same bytes.
        const form = new FormData();
        form.append('file', new Blob([new Uint8Array(bytes)]), 'saisie.xlsx');
        const res = await fetch(`${app.baseUrl}${ORG}/reports/import${query}`, { method: 'POST', headers: { authorization: `Bearer ${pilot}`, 'idempotency-key': key }, body: form });
        return { status: res.status, replayed: res.headers.get('idempotent-replayed'), body: JSON.parse(await res.text()) };
      };
      const other = filled({ cells: [{ ref: 'K4', value: '40' }, { ref: 'L4', value: '2024-09-30', as: 'date' }] });
      const first = await send(file, 'upload-key-1');
      expect([first.status, first.replayed]).toEqual([200, null]);
      const again = await send(file, 'upload-key-1');
      expect([again.status, again.replayed]).toEqual([200, 'true']);
      expect(again.body).toEqual(first.body);
      const reused = await send(other, 'upload-key-1');
      expect(reused.status).toBe(422);
      expect(reused.body.error).toBe('idempotency_key_reused');
      const fresh = await send(other, 'upload-key-2');
      expect(fresh.status).toBe(200);
      expect(fresh.body.rows.map((x: any) => [x.row, x.outcome])).toEqual([[4, 'would_write']]);
      // The query string is part of the request: a dry run and the import under one key are two requests.
      const asImport = await send(other, 'upload-key-2', '');
      expect(asImport.status).toBe(422);
      expect(asImport.body.error).toBe('idempotency_key_reused');
    });
  });

  describe('bad files are answered with what is wrong, never 500, never a write the answer does not list', () => {
    let before: number;
    beforeAll(async () => { before = await head(); });
    afterAll(async () => { expect(await head()).toBe(before); });

    it('415 for what is not a spreadsheet, or not multipart; 400 for a file in another field', async () => {
      const png = await upload(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48]), { filename: 'photo.xlsx' });
      expect([png.status, png.body.error]).toEqual([415, 'not_a_spreadsheet']);
      const json = await app.call('POST', `${ORG}/reports/import`, { token: pilot, body: { rows: [] } });
      expect(json.status).toBe(415);
      expect((await upload(template, { field: 'attachment' })).status).toBe(400);
    });

    it('400 unexpected_field for a field sent besides the file, one or a dozen (not the 413 of the parser\'s limit)', async () => {
      for (const count of [1, 12]) {
        const form = new FormData();
        for (let k = 0; k < count; k++) form.append(`extra${k}`, 'x');
        form.append('file', new Blob([new Uint8Array(template)]), 'saisie.xlsx');
        const res = await fetch(`${app.baseUrl}${ORG}/reports/import`, { method: 'POST', headers: { authorization: `Bearer ${pilot}` }, body: form });
        const body = await res.json() as { error: string; fields?: Array<{ field: string }> };
        expect([count, res.status, body.error]).toEqual([count, 400, 'unexpected_field']);
      }
    });

    it('413 for a file larger than the body limit', async () => {
      const r = await upload(Buffer.alloc(app.config.bodyLimitBytes + 1024, 0x41), { filename: 'big.csv' });
      expect(r.status).toBe(413);
    });

    it('413 for a zip bomb, refused from its declared sizes', async () => {
      const bomb = Buffer.from(zipSync({ 'xl/workbook.xml': new Uint8Array(10), 'xl/worksheets/sheet1.xml': new Uint8Array(30 * 1024 * 1024) }, { level: 9 }));
      const r = await upload(bomb);
      expect([r.status, r.body.error, r.body.details.reason]).toEqual([413, 'zip_bomb', 'uncompressed_too_large']);
    });

    it('413 with the count for a file of more than 20 000 rows', async () => {
      const rows = Array.from({ length: 20_001 }, (_, k) => `k${k},1,2024-01-01,s,i,,`);
      const csv = Buffer.from(`Réf.,Valeur,Observé le,sheetId,indicatorId,territory,zone\r\n${rows.join('\r\n')}\r\n`);
      const r = await upload(csv, { filename: 'saisie.csv' });
      expect([r.status, r.body.error, r.body.details]).toEqual([413, 'too_many_rows', { rows: 20_001, maxRows: 20_000 }]);
    });

    it('422 for merged cells, with the range', async () => {
      const r = await upload(filled({ cells: [{ ref: 'K2', value: 1, as: 'number' }, { ref: 'L2', value: '2024-09-30' }], merge: ['K2:K3'] }));
      expect([r.status, r.body.error, r.body.details.ranges]).toEqual([422, 'merged_cells', ['K2:K3']]);
    });

    it('422 naming row and column when no row can be imported: a formula, a hidden row, a bad day, a value that does not fit the unit', async () => {
      const r = await upload(filled({
        cells: [
          { ref: 'K2', value: '=G2+1', as: 'formula' }, { ref: 'L2', value: '2024-09-30' },
          { ref: 'K3', value: 2, as: 'number' }, { ref: 'L3', value: '2024-09-30' },
          { ref: 'K4', value: '12,5' }, { ref: 'L4', value: '30/02/2024' },
          { ref: 'K5', value: '2,5' }, { ref: 'L5', value: '2024-09-30' },
        ],
        copyRows: [[2, 5]],
        hide: [3],
      }));
      expect([r.status, r.body.error]).toEqual([422, 'no_row_imported']);
      expect(r.body.details.rows.map((x: any) => [x.row, x.outcome, x.code, x.column, x.columnName])).toEqual([
        [2, 'refused', 'formula', 'K', 'Valeur'],
        [3, 'refused', 'hidden_row', null, null],
        [4, 'refused', 'invalid_date', 'L', 'Observé le'],
        [5, 'refused', 'value_does_not_fit_unit', 'K', 'Valeur'],
      ]);
      expect(r.body.details.rows[0].message).toContain('K2');
    });

    it('a file with nothing filled lists its empty rows and writes nothing', async () => {
      const r = await upload(template);
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ summary: { written: 0, refused: 0, empty: 3 }, emptyRows: [2, 3, 4], rows: [] });
    });
  });

  it('a file with good and bad rows writes the good ones and lists both, and nothing else', async () => {
    const before = await head();
    const r = await upload(filled({ cells: [{ ref: 'K2', value: '=1+1', as: 'formula' }, { ref: 'L2', value: '2024-09-30' }, { ref: 'K4', value: '40' }, { ref: 'L4', value: '2024-09-30' }] }));
    expect(r.status).toBe(201);
    expect(r.body.rows.map((x: any) => [x.row, x.outcome, x.column ?? null])).toEqual([[2, 'refused', 'K'], [4, 'written', null]]);
    expect(await head()).toBe(before + 1);
    const coverage = await app.call('GET', `${SHEET}/indicators/coverage/series`);
    expect(coverage.body.points.map((p: any) => [p.observedOn, p.value])).toEqual([['2024-03-31', 37.5], ['2024-09-30', 40]]);
  });

  it('what is due, as JSON and as an iCalendar feed ical.js reads', async () => {
    const due = await app.call('GET', `${ORG}/due`, { token: null });
    expect(due.status).toBe(200);
    const byId = Object.fromEntries(due.body.items.map((i: any) => [i.indicatorId ?? i.milestoneId, i]));
    expect(byId.interventions).toMatchObject({ kind: 'indicator', frequency: 'quarterly', lastObservedOn: '2024-06-30', dueOn: '2024-09-30' });
    expect(byId.interventions.daysLate).toBeGreaterThan(0);
    expect(byId.launch).toMatchObject({ kind: 'milestone', due: '2023-S2', dueOn: '2023-12-31' });
    expect(byId.coverage).toBeUndefined();
    const ics = await fetch(`${app.baseUrl}${ORG}/due.ics`);
    expect(ics.headers.get('content-type')).toContain('text/calendar');
    const calendar = new ICAL.Component(ICAL.parse(await ics.text()));
    const events = calendar.getAllSubcomponents('vevent').map((v) => new ICAL.Event(v));
    expect(events.map((e) => [e.summary, e.startDate.toString()])).toEqual(expect.arrayContaining([
      ['Saisie 4.13 — Interventions', '2024-09-30'], ['Jalon 4.13 — Lancement', '2023-12-31'], ['Jalon 4.13 — Bilan', '2025-12-31'],
    ]));
    expect(events).toHaveLength(due.body.items.length);
  });

  it('the reporting lag of the organisation and of each sheet', async () => {
    const r = await app.call('GET', `${ORG}/reporting-lag`, { token: null });
    expect(r.status).toBe(200);
    expect(r.body.overall.reports).toBe(5);
    expect(r.body.overall.medianDays).toBeGreaterThan(365);
    // Reported years after the facts: none of the quarterly values was recorded on time.
    expect(r.body.overall).toMatchObject({ reportsWithFrequency: 3, onTimeShare: 0 });
    expect(r.body.sheets).toEqual([expect.objectContaining({ sheetId: 'csirt-cyberreponse', reports: 5 })]);
  });
});
