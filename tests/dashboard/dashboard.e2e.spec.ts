import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ICAL from 'ical.js';
import type { Browser, Page } from 'playwright-core';
import { seedHook } from '#seed';
import { startTestApp, type RunningApp } from '../support/test-app.js';

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = join(process.cwd(), 'tests/dashboard/screenshots');
const INFRA_SHEET = 'suivi-regional-infrastructures-numeriques';
const FTTH_BUILT = 'Prises FttH construites (cible : prises prévues)';
const AXE_SOURCE = join(process.cwd(), 'node_modules/axe-core/axe.min.js');
const WCAG_21_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`dashboard browser test skipped: ${CHROMIUM} is missing (apt-get install chromium)`);
const describeInBrowser = hasChromium ? describe : describe.skip;

/** French number formatting uses narrow no-break spaces; compare text with plain spaces. */
const plain = (s: string | null) => (s ?? '').replace(/[\u202f\u00a0]/g, ' ').replace(/\s+/g, ' ').trim();

describeInBrowser('dashboard in headless Chromium, on the seeded SCORAN roadmap', () => {
  let app: RunningApp;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    app = await startTestApp({ hooks: [seedHook] });
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'fr-FR' });
    page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`); });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('response', (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()} ${r.url()}`); });
    mkdirSync(SHOTS, { recursive: true });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close(true);
  });

  const sumOfProgress = async (label: string) =>
    (await page.locator(`progress[aria-label^="${label}"]`).evaluateAll((els) => els.map((e) => e.getAttribute('value')))).reduce((sum, v) => sum + Number(v), 0);

  /** Structural accessibility checks every page must pass. */
  async function checkAccessibleBasics(): Promise<void> {
    // Runs in the page (a string, since the test is compiled without the DOM library).
    const report = await page.evaluate<Record<string, unknown>>(String.raw`(() => {
      const named = (el) => {
        const ids = el.getAttribute('aria-labelledby');
        if (ids) return ids.split(/\s+/).every((id) => document.getElementById(id)?.textContent?.trim());
        return Boolean(el.getAttribute('aria-label')?.trim());
      };
      return {
        lang: document.documentElement.lang,
        h1: document.querySelectorAll('h1').length,
        main: document.querySelectorAll('main').length,
        banner: document.querySelectorAll('body > header').length,
        nav: document.querySelectorAll('nav[aria-label]').length,
        unnamedImages: [...document.querySelectorAll('[role="img"], img')].filter((el) => (el.tagName === 'IMG' ? !el.getAttribute('alt') && el.getAttribute('alt') !== '' : !named(el))).length,
        unlabelledInputs: [...document.querySelectorAll('input:not([type="hidden"]), select, textarea')].filter((el) => !el.labels?.length && !el.getAttribute('aria-label')).length,
        unlabelledProgress: [...document.querySelectorAll('progress')].filter((el) => !el.getAttribute('aria-label')).length,
        tablesWithoutHeaders: [...document.querySelectorAll('table')].filter((t) => t.querySelectorAll('th').length === 0).length,
        firstLink: document.querySelector('body a')?.getAttribute('href'),
      };
    })()`);
    expect(report).toMatchObject({ lang: 'fr', h1: 1, main: 1, banner: 1, unnamedImages: 0, unlabelledInputs: 0, unlabelledProgress: 0, tablesWithoutHeaders: 0, firstLink: '#contenu' });
    expect(report.nav).toBeGreaterThanOrEqual(1);
  }

  it('shows the roadmap by enjeu with statuses and progress, reachable by keyboard', async () => {
    await page.goto(`${app.baseUrl}/`);
    expect(plain(await page.locator('h1').textContent())).toContain('SCORAN');
    const enjeux = await page.locator('section.enjeu h2').allTextContents();
    expect(enjeux.map(plain)).toEqual(expect.arrayContaining([expect.stringContaining('Favoriser la féminisation des métiers du numérique')]));
    expect(enjeux.length).toBeGreaterThanOrEqual(4);
    await expect(page.getByRole('link', { name: 'Féminisation des métiers du numérique' }).count()).resolves.toBe(1);
    expect(await page.locator('table.sheets tbody tr').count()).toBeGreaterThan(20);
    expect(await page.locator('progress').count()).toBeGreaterThan(20);
    await checkAccessibleBasics();
    await page.screenshot({ path: join(SHOTS, 'overview.png'), fullPage: false });
    await page.screenshot({ path: join(SHOTS, 'overview-full.png'), fullPage: true });
    // The skip link is the first stop of the keyboard and takes focus to the content.
    await page.keyboard.press('Tab');
    expect(await page.evaluate<string>('document.activeElement?.textContent')).toBe('Aller au contenu');
    await page.keyboard.press('Enter');
    expect(await page.evaluate<string>('document.activeElement?.id')).toBe('contenu');
  });

  it('shows a sheet page: series against target as charts with tables, milestones planned vs reached, history', async () => {
    await page.goto(`${app.baseUrl}/`);
    await page.getByRole('link', { name: 'Féminisation des métiers du numérique' }).click();
    await page.waitForURL(/\/fiches\/feminisation-metiers-numerique/);
    expect(plain(await page.locator('h1').textContent())).toContain('Féminisation des métiers du numérique');
    await checkAccessibleBasics();

    await page.goto(`${app.baseUrl}/fiches/${INFRA_SHEET}`);
    await checkAccessibleBasics();
    const sheet = (await app.call('GET', `/api/sheets/${INFRA_SHEET}`, { token: null })).body;
    expect(plain(await page.locator('h1').textContent())).toContain(sheet.title);
    const charts = page.locator('section.indicator svg[role="img"]');
    expect(await charts.count()).toBeGreaterThanOrEqual(1);
    expect(await page.locator('section.indicator h3').allTextContents()).toEqual(sheet.indicators.map((i: { name: string }) => i.name));
    // The values table holds the seeded figure: 626 073 FttH lines built in the private zone of the region, Q1 2023.
    const ftth = page.locator('section.indicator').filter({ has: page.getByRole('heading', { name: FTTH_BUILT }) });
    expect(await ftth.locator('svg[role="img"]').count()).toBe(1);
    const tableText = plain(await ftth.locator('table.values').textContent());
    expect(tableText).toContain('626 073');
    // Annexe 2 prints "T1 2023": the quarter, not its last day.
    expect(tableText).toContain('au 1er trimestre 2023');
    expect(tableText).not.toContain('31 mars 2023');
    // Annexe 3's approximate V3 figures keep their qualifier: "environ 44 %", "un peu plus de 80 %".
    const allValues = plain((await page.locator('section.indicator table.values').allTextContents()).join(' '));
    expect(allValues).toContain('environ 44 %');
    expect(allValues).toContain('un peu plus de 80 %');
    expect(allValues).not.toMatch(/(?<!environ )\b44 %/);
    expect(await page.locator('#historique ~ ol.history li, section[aria-labelledby="historique"] ol.history li').count()).toBeGreaterThan(0);
    await ftth.locator('details summary').click();
    await page.screenshot({ path: join(SHOTS, 'sheet.png'), fullPage: false });
    await ftth.screenshot({ path: join(SHOTS, 'sheet-indicator.png') });

    // Fiche 4.2 prints "plus de 2 500" e-portfolios: a lower bound, not a count.
    await page.goto(`${app.baseUrl}/fiches/e-portfolio-competences`);
    const portfolios = plain(await page.locator('section.indicator table.values').first().textContent());
    expect(portfolios).toContain('plus de 2 500');
    expect(portfolios).toContain('au 3e trimestre 2022');

    // A sheet with milestones shows the planned-versus-reached timeline and its table.
    const withMilestones = ((await app.call('GET', '/api/sheets?version=V4', { token: null })).body as Array<{ sheetId: string; milestones: number; milestonesReached: number }>)
      .sort((a, b) => b.milestonesReached - a.milestonesReached || b.milestones - a.milestones)[0]!;
    await page.goto(`${app.baseUrl}/fiches/${withMilestones.sheetId}`);
    expect(await page.locator('table.milestones tbody tr').count()).toBe(withMilestones.milestones);
    if (withMilestones.milestones > 0) expect(await page.locator('svg.timeline').count()).toBe(1);
    await page.locator('section[aria-labelledby="jalons"]').screenshot({ path: join(SHOTS, 'sheet-milestones.png') });
    await page.locator('section[aria-labelledby="historique"]').screenshot({ path: join(SHOTS, 'sheet-history.png') });
  });

  it('shows infrastructure figures per department as a chart and a table', async () => {
    await page.goto(`${app.baseUrl}/infrastructures`);
    await checkAccessibleBasics();
    const first = page.locator('section.infra').filter({ has: page.getByRole('heading', { name: FTTH_BUILT }) });
    expect(await first.locator('svg[role="img"]').count()).toBe(1);
    const rows = plain(await first.locator('table.territories').textContent());
    expect(rows).toContain('626 073');
    for (const dep of ['Cher (18)', 'Eure-et-Loir (28)', 'Indre (36)', 'Indre-et-Loire (37)', 'Loir-et-Cher (41)', 'Loiret (45)', 'Centre-Val de Loire (24)']) expect(rows).toContain(dep);
    // The regional total the department totals do not add up to carries its note, visibly.
    const note = first.locator('aside.finding-note[aria-label="Incohérence du document source"]');
    expect(await note.isVisible()).toBe(true);
    expect(plain(await note.textContent())).toContain('imprimé 1 337 268, recalculé 1 401 323');
    await first.screenshot({ path: join(SHOTS, 'infrastructures.png') });
  });

  it('shows what became of the V3 sheets in V4', async () => {
    await page.goto(`${app.baseUrl}/versions`);
    await checkAccessibleBasics();
    expect(plain(await page.locator('h1').textContent())).toBe('Évolutions de V3 à V4');
    const v3 = (await app.call('GET', '/api/sheets?version=V3', { token: null })).body as unknown[];
    expect(await page.locator('section[aria-labelledby="devenir"] tbody tr').count()).toBe(v3.length);
    await page.screenshot({ path: join(SHOTS, 'versions.png'), fullPage: false });
  });

  it('shows the roadmap as it stood on a past date through the as-of picker', async () => {
    await page.goto(`${app.baseUrl}/`);
    const reachedToday = await sumOfProgress('Jalons');
    await page.getByLabel('Situation au').fill('2019-01-01');
    await page.getByRole('button', { name: 'Afficher' }).click();
    await page.waitForURL(/asOf=2019-01-01/);
    expect(plain(await page.locator('.time-travel').textContent())).toContain('1 janvier 2019');
    const reachedThen = await sumOfProgress('Jalons');
    expect(reachedThen).toBeLessThanOrEqual(reachedToday);
    const expected = ((await app.call('GET', '/api/sheets?version=V4&asOf=2019-01-01', { token: null })).body as Array<{ milestonesReached: number }>).reduce((s, x) => s + x.milestonesReached, 0);
    expect(reachedThen).toBe(expected);
    // Links keep the date: the sheet page is shown as of the same day.
    await page.getByRole('link', { name: 'Féminisation des métiers du numérique' }).click();
    await page.waitForURL(/asOf=2019-01-01/);
    await checkAccessibleBasics();
  });

  interface AxeViolation { id: string; impact: string | null; help: string; nodes: Array<{ target: string[]; html: string; failureSummary: string }> }

  /** Runs axe-core in the page with the WCAG 2.1 A and AA rules; returns its violations, printed one by one. */
  async function axeViolations(label: string): Promise<AxeViolation[]> {
    // Evaluated through the DevTools protocol, which the page's script-src 'self' does not apply to:
    // the pages are tested with their real content security policy.
    if (!(await page.evaluate<boolean>('typeof window.axe === "object"'))) await page.evaluate(readFileSync(AXE_SOURCE, 'utf8'));
    const { violations, passed } = await page.evaluate<{ violations: AxeViolation[]; passed: number }>(`axe.run(document, { runOnly: { type: 'tag', values: ${JSON.stringify(WCAG_21_AA)} } })
      .then((r) => ({ passed: r.passes.length, violations: r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target, html: n.html, failureSummary: n.failureSummary })) })) }))`);
    // The rules did run on the page (lang, title, contrast, names…), not on an empty document.
    expect({ label, passed: passed >= 3 }).toEqual({ label, passed: true });
    for (const v of violations) {
      console.error(`${label}: ${v.id} (${v.impact}) ${v.help}\n${v.nodes.map((n) => `  ${n.target.join(' ')}\n    ${n.html}\n    ${n.failureSummary.replace(/\n/g, '\n    ')}`).join('\n')}`);
    }
    return violations;
  }

  it('leads from a sheet\'s pilot to « Mes fiches »: the sheets it pilots, what is due and how late, its reporting lag, the template and the calendar feed', async () => {
    const pilot = ((await app.call('GET', `/api/sheets/${INFRA_SHEET}`, { token: null })).body.pilots as string[])[0]!;
    await page.goto(`${app.baseUrl}/fiches/${INFRA_SHEET}`);
    await page.locator(`dd a[href="/organisations/${pilot}"]`).first().click();
    await page.waitForURL(`${app.baseUrl}/organisations/${pilot}`);
    await checkAccessibleBasics();
    expect(plain(await page.locator('h1').textContent())).toMatch(/^Mes fiches/);
    const piloted = (await app.call('GET', `/api/sheets?pilot=${pilot}`, { token: null })).body as Array<{ sheetId: string }>;
    const rows = await page.locator('table.sheets tbody tr th a').evaluateAll((els) => els.map((e) => e.getAttribute('href')));
    expect(rows.sort()).toEqual(piloted.map((s) => `/fiches/${s.sheetId}`).sort());
    // What is due: the same items as the JSON, late ones saying by how many days.
    const due = (await app.call('GET', `/api/organisations/${pilot}/due`, { token: null })).body.items as Array<{ daysLate: number }>;
    const dueRows = await page.locator('table.due tbody tr').allTextContents();
    expect(dueRows).toHaveLength(due.length);
    expect(dueRows.filter((t) => /en retard de \d[\d ]* jours?/.test(plain(t)))).toHaveLength(due.filter((d) => d.daysLate > 0).length);
    const lag = (await app.call('GET', `/api/organisations/${pilot}/reporting-lag`, { token: null })).body.overall;
    const kpis = plain(await page.locator('section[aria-labelledby="delais"]').textContent());
    expect(kpis).toContain(lag.medianDays === null ? '—' : `${plain(new Intl.NumberFormat('fr-FR').format(lag.medianDays))} jour`);
    expect(kpis).toContain(`(${lag.reports} valeur`);
    for (const ext of ['xlsx', 'csv']) expect(await page.locator(`a[href="/api/organisations/${pilot}/report-template.${ext}"]`).count()).toBe(1);
    // The calendar feed announced in the head is one ical.js reads, with one event per item due.
    const feed = await page.locator('head link[rel="alternate"][type="text/calendar"]').getAttribute('href');
    expect(await page.locator(`a[href="${feed}"]`).count()).toBe(1);
    const ics = await fetch(`${app.baseUrl}${feed}`);
    expect(ics.headers.get('content-type')).toMatch(/^text\/calendar/);
    const calendar = new ICAL.Component(ICAL.parse(await ics.text()));
    expect(calendar.getAllSubcomponents('vevent')).toHaveLength(due.length);
    await page.screenshot({ path: join(SHOTS, 'organisation.png'), fullPage: true });
  });

  it('has no WCAG 2.1 AA violation on any page type (axe-core)', async () => {
    const sheets = (await app.call('GET', '/api/sheets?version=V4', { token: null })).body as Array<{ sheetId: string; milestones: number; status: string }>;
    const withMilestones = [...sheets].sort((a, b) => b.milestones - a.milestones)[0]!.sheetId;
    const roadmap = ((await app.call('GET', '/api/roadmaps', { token: null })).body as Array<{ roadmapId: string }>)[0]!.roadmapId;
    const pilots = (await app.call('GET', `/api/sheets/${INFRA_SHEET}`, { token: null })).body.pilots as string[];
    const pages: Array<[string, string, number]> = [
      ['home (roadmap by enjeu)', '/', 200],
      ['home, other version', '/?version=V3', 200],
      ['home as of a past date', '/?asOf=2019-01-01', 200],
      ['sheet with indicators', `/fiches/${INFRA_SHEET}`, 200],
      ['sheet with milestones', `/fiches/${withMilestones}`, 200],
      ['sheet as of a past date', `/fiches/${withMilestones}?asOf=2020-06-30`, 200],
      ['infrastructures', '/infrastructures', 200],
      ['pilot organisation (Mes fiches)', `/organisations/${pilots[0]}`, 200],
      ['V3 → V4 changes', '/versions', 200],
      ['data-quality findings', '/qualite-des-donnees', 200],
      ['assessment', `/api/roadmaps/${roadmap}/versions/V4/assessment?format=html`, 200],
      ['not found', '/fiches/nexiste-pas', 404],
      ['bad date', '/?asOf=2023-02-30', 400],
    ];
    const before = problems.length;
    const found: Record<string, string[]> = {};
    for (const [label, path, status] of pages) {
      const res = await page.goto(`${app.baseUrl}${path}`);
      expect({ path, status: res?.status() }).toEqual({ path, status });
      // Closed details hide their tables from axe: open them so that every table is checked.
      await page.evaluate(`document.querySelectorAll('details').forEach((d) => { d.open = true; })`);
      const violations = await axeViolations(label);
      if (violations.length) found[label] = violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.length} nodes`);
    }
    expect(found).toEqual({});
    // The 404 and 400 asked for are the only failures the browser saw (its console reports them a moment later).
    await page.waitForTimeout(300);
    expect(problems.splice(before).every((p) => / (404|400) /.test(p))).toBe(true);
  });

  it('can be used with the keyboard: the tab order reaches the date picker, the navigation and the content, with a visible focus', async () => {
    await page.goto(`${app.baseUrl}/fiches/${INFRA_SHEET}`);
    const stops: Array<{ tag: string; text: string; id: string; outline: string }> = [];
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press('Tab');
      stops.push(await page.evaluate<{ tag: string; text: string; id: string; outline: string }>(`(() => {
        const el = document.activeElement;
        const style = getComputedStyle(el);
        return { tag: el.tagName.toLowerCase(), text: (el.textContent || '').trim(), id: el.id, outline: style.outlineStyle + ' ' + style.outlineWidth };
      })()`));
    }
    const order = stops.map((s) => s.id || s.text);
    expect(order[0]).toBe('Aller au contenu');
    expect(order).toEqual(expect.arrayContaining(['asOf', 'Afficher', 'Feuille de route', 'Infrastructures', 'Évolutions entre versions']));
    expect(order.indexOf('asOf')).toBeLessThan(order.indexOf('Infrastructures'));
    // Every stop shows where the focus is.
    for (const s of stops) expect({ stop: s.id || s.text, outline: s.outline }).toEqual({ stop: s.id || s.text, outline: expect.stringMatching(/^solid [1-9]/) });
  });

  it('updates the figures of an open sheet page when a report is posted, and the roadmap page when a milestone is reached, without reloading them', async () => {
    const sheet = (await app.call('GET', `/api/sheets/${INFRA_SHEET}`, { token: null })).body as { indicators: Array<{ indicatorId: string; name: string }> };
    const indicatorId = sheet.indicators.find((i) => i.name === FTTH_BUILT)!.indicatorId;
    await page.goto(`${app.baseUrl}/fiches/${INFRA_SHEET}`);
    await page.evaluate('window.__sameDocument = true');
    // The note appears once the stream is open: from then on, a write shows up on the page.
    await page.locator('.live-note').waitFor({ state: 'visible' });
    const ftth = page.locator('section.indicator').filter({ has: page.getByRole('heading', { name: FTTH_BUILT }) });
    expect(plain(await ftth.locator('table.values').textContent())).not.toContain('777 777');

    const posted = await app.call('POST', `/api/sheets/${INFRA_SHEET}/indicators/${indicatorId}/reports`, { body: { value: 777777, observedOn: '2024-12-31', territory: '24' } });
    expect({ status: posted.status, body: posted.status === 201 ? null : posted.body }).toEqual({ status: 201, body: null });
    // Polled from here: a predicate evaluated in the page would need the 'unsafe-eval' the policy refuses.
    await page.locator('#section-indicateurs td', { hasText: /777\s777/ }).first().waitFor({ state: 'attached', timeout: 10_000 });
    expect(plain(await ftth.locator('table.values').textContent())).toContain('777 777');
    expect(plain(await ftth.locator('p.meta').textContent())).toContain('Dernière valeur régionale : 777 777');
    expect(await page.locator('#live-status').textContent()).toMatch(/^Données mises à jour/);
    expect(await page.evaluate<boolean>('window.__sameDocument === true')).toBe(true);
    expect(await axeViolations('sheet after a live update')).toEqual([]);

    // The roadmap page follows every sheet: a milestone reached elsewhere moves its key figures.
    await page.goto(`${app.baseUrl}/`);
    await page.evaluate('window.__sameDocument = true');
    await page.locator('.live-note').waitFor({ state: 'visible' });
    const kpi = page.locator('#chiffres-cles ~ .kpis li').nth(1);
    const reachedBefore = Number(/\((\d+) sur/.exec(plain(await kpi.textContent()))![1]);
    const doc = (await app.call('GET', `/api/sheets/${INFRA_SHEET}`, { token: null })).body as { milestones: Array<{ milestoneId: string; reachedOn: string | null }> };
    const open = doc.milestones.find((m) => !m.reachedOn)!;
    expect((await app.call('POST', `/api/sheets/${INFRA_SHEET}/milestones/${open.milestoneId}/reached`, { body: { reachedOn: '2024-12-31' } })).status).toBe(201);
    await page.locator('#chiffres-cles ~ .kpis li', { hasText: `(${reachedBefore + 1} sur` }).waitFor({ state: 'attached', timeout: 10_000 });
    expect(await page.evaluate<boolean>('window.__sameDocument === true')).toBe(true);

    // A page shown as of a past date does not follow the log.
    await page.goto(`${app.baseUrl}/fiches/${INFRA_SHEET}?asOf=2023-06-30`);
    expect(await page.locator('script[src="/assets/live.js"]').count()).toBe(0);
    expect(await page.locator('#contenu').getAttribute('data-live-streams')).toBeNull();
  });

  it('answers an unknown sheet with a French 404 page', async () => {
    const before = problems.length;
    const res = await page.goto(`${app.baseUrl}/fiches/nexiste-pas`);
    expect(res?.status()).toBe(404);
    expect(plain(await page.locator('h1').textContent())).toBe('Page introuvable');
    // This 404 is the one asked for: the browser reports it, nothing else may have been logged.
    const expected404 = problems.splice(before);
    expect(expected404.every((p) => p.includes('404'))).toBe(true);
  });

  it('logged no console error, page error or failed request on any page', () => {
    expect(problems).toEqual([]);
    // The README's picture is refreshed on request only, so that a test run leaves the work tree as it found it.
    if (process.env.UPDATE_SCREENSHOTS === '1') copyFileSync(join(SHOTS, 'overview.png'), join(process.cwd(), 'docs/screenshots/dashboard.png'));
  });
});
