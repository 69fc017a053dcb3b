import { Controller, Get, Header, HttpStatus, Inject, Param, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { DomainError, isCalendarDate, isSlug, isVersionLabel, ROADMAP_EVENT_TYPES, SHEET_EVENT_TYPES } from '#domain';
import { ProjectionHost } from '#projections';
import { dueItems, reportingLag } from '#reporting';
import type { SeriesPoint } from '../infrastructure/read-models.service.js';
import { Allow } from '../auth/access.decorator.js';
import { DashboardData, type RoadmapInfo } from './dashboard-data.service.js';
import { dataQualityPage } from './dashboard-findings.js';
import { infrastructurePage, messagePage, overviewPage, sheetPage, versionsPage } from './dashboard-pages.js';
import type { SafeHtml } from './html.js';
import { organisationName } from './organisation-names.js';
import { organisationFeeds, organisationPage } from './organisation-page.js';
import { layout, type Alternate, type LiveContext, type PageContext } from './page-layout.js';

const today = () => new Date().toISOString().slice(0, 10);
const HTML = 'text/html; charset=utf-8';
/** What each kind of page listens for: a sheet page, its own sheet; the pages over the whole roadmap, everything. */
const EVERYTHING = { streams: ['*'], events: [...SHEET_EVENT_TYPES, ...ROADMAP_EVENT_TYPES] };
const sheetEvents = (sheetId: string) => ({ streams: [`sheet-${sheetId}`], events: SHEET_EVENT_TYPES });
type PageContent = { title: string; active: string | null; body: SafeHtml; version?: string | null; live?: Omit<LiveContext, 'from'>; alternates?: Alternate[] };

/** The public dashboard, rendered on the server: every page works without JavaScript. */
@ApiExcludeController()
@Controller()
export class DashboardController {
  constructor(private readonly data: DashboardData, @Inject(ProjectionHost) private readonly host: ProjectionHost) {}

  private context(path: string, query: Record<string, string | undefined>, roadmap: RoadmapInfo | null, version?: string | null): PageContext {
    const asOf = query.asOf && query.asOf !== '' ? query.asOf : null;
    if (asOf !== null && !isCalendarDate(asOf)) throw new BadPage(HttpStatus.BAD_REQUEST, 'Date invalide', 'La date demandée n’est pas une date du calendrier (format AAAA-MM-JJ).');
    return { path, asOf, roadmapId: roadmap?.roadmapId ?? null, version: version ?? null, assessmentVersion: roadmap ? this.data.currentVersion(roadmap) : null, today: today() };
  }

  private async page(reply: FastifyReply, path: string, query: Record<string, string | undefined>, render: (roadmap: RoadmapInfo | null) => Promise<PageContent>): Promise<string> {
    // Read before the queries: the page shows at least this much of the log, and follows it from there.
    const from = this.host.checkpoint;
    const roadmap = this.data.roadmap(query.roadmapId);
    try {
      const baseCtx = this.context(path, query, roadmap);
      const page = await render(roadmap);
      const live = page.live ? { ...page.live, from } : null;
      return layout({ title: page.title, active: page.active, ctx: { ...baseCtx, version: page.version ?? null, live }, body: page.body, alternates: page.alternates });
    } catch (error) {
      const bad = error instanceof BadPage ? error
        : error instanceof DomainError && error.kind === 'not_found' ? new BadPage(HttpStatus.NOT_FOUND, 'Page introuvable', error.message)
        : null;
      if (!bad) throw error;
      void reply.status(bad.status);
      const ctx = { path, asOf: null, roadmapId: roadmap?.roadmapId ?? null, today: today() };
      return layout({ title: bad.title, active: null, ctx, body: messagePage(bad.title, bad.message) });
    }
  }

  @Get()
  @Allow('public')
  @Header('content-type', HTML)
  overview(@Query() query: Record<string, string>, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    return this.page(reply, '/', query, async (roadmap) => {
      if (!roadmap) return { title: 'Feuille de route', active: 'overview', body: messagePage('Feuille de route', 'Aucune feuille de route n’est encore enregistrée.') };
      const version = query.version && roadmap.versions.some((v) => v.version === query.version) ? query.version : this.data.currentVersion(roadmap);
      if (!version) return { title: 'Feuille de route', active: 'overview', body: messagePage(roadmap.title, 'Aucune version n’est encore enregistrée.') };
      const sheets = await this.data.sheets(roadmap.roadmapId, version, this.asOf(query));
      return { title: `Feuille de route ${version}`, active: 'overview', version, live: EVERYTHING, body: overviewPage(roadmap, version, sheets, this.context('/', query, roadmap, version), this.data.governance(roadmap.roadmapId, version)) };
    });
  }

  @Get('fiches/:sheetId')
  @Allow('public')
  @Header('content-type', HTML)
  sheet(@Param('sheetId') sheetId: string, @Query() query: Record<string, string>, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const path = `/fiches/${encodeURIComponent(sheetId)}`;
    return this.page(reply, path, query, async (roadmap) => {
      if (!isSlug(sheetId)) throw new BadPage(HttpStatus.NOT_FOUND, 'Fiche introuvable', 'Cet identifiant de fiche n’existe pas.');
      const asOf = this.asOf(query);
      // A sheet listed under an earlier version is shown as it was there (e.g. a V3 sheet with its V3 figures only).
      const version = isVersionLabel(query.version) ? query.version : null;
      const doc = await this.data.sheet(sheetId, asOf, version);
      const series = new Map<string, SeriesPoint[]>(doc.indicators.map((i) => [i.indicatorId, this.data.series(sheetId, i.indicatorId, asOf)]));
      const history = await this.data.history(sheetId);
      return { title: doc.number ? `Fiche ${doc.number} — ${doc.title}` : doc.title, active: null, live: sheetEvents(sheetId), body: sheetPage(doc, roadmap, series, history, this.context(path, query, roadmap), roadmap ? this.data.findings(roadmap.roadmapId) : []) };
    });
  }

  @Get('organisations/:organisationId')
  @Allow('public')
  @Header('content-type', HTML)
  organisation(@Param('organisationId') organisationId: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const path = `/organisations/${encodeURIComponent(organisationId)}`;
    // What is due is today's: the page has no past to travel to, so the as-of date is not read.
    return this.page(reply, path, {}, async () => {
      if (!isSlug(organisationId)) throw new BadPage(HttpStatus.NOT_FOUND, 'Organisation introuvable', 'Cet identifiant d’organisation n’existe pas.');
      const sheets = this.data.organisationSheets(organisationId);
      if (sheets.length === 0) throw new BadPage(HttpStatus.NOT_FOUND, 'Organisation introuvable', 'Cette organisation ne pilote aucune fiche.');
      const on = today();
      const ctx: PageContext = { path, asOf: null, roadmapId: null, today: on };
      return {
        title: `Mes fiches — ${organisationName(organisationId)}`, active: null,
        alternates: [{ type: 'text/calendar', href: organisationFeeds(organisationId).ics, title: 'Calendrier des échéances' }],
        body: organisationPage(organisationId, sheets, dueItems(sheets, on), reportingLag(sheets), ctx),
      };
    });
  }

  @Get('infrastructures')
  @Allow('public')
  @Header('content-type', HTML)
  infrastructures(@Query() query: Record<string, string>, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    return this.page(reply, '/infrastructures', query, async (roadmap) => ({
      title: 'Infrastructures par département', active: 'infrastructures', live: roadmap ? EVERYTHING : undefined,
      body: roadmap ? infrastructurePage(this.data.territorialFigures(roadmap.roadmapId, this.asOf(query)), this.context('/infrastructures', query, roadmap), this.data.findings(roadmap.roadmapId)) : messagePage('Infrastructures', 'Aucune feuille de route n’est encore enregistrée.'),
    }));
  }

  @Get('qualite-des-donnees')
  @Allow('public')
  @Header('content-type', HTML)
  dataQuality(@Query() query: Record<string, string>, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    return this.page(reply, '/qualite-des-donnees', query, async (roadmap) => ({
      title: 'Qualité des données', active: 'data-quality', live: roadmap ? EVERYTHING : undefined,
      body: roadmap ? dataQualityPage(this.data.findings(roadmap.roadmapId), this.context('/qualite-des-donnees', query, roadmap)) : messagePage('Qualité des données', 'Aucune feuille de route n’est encore enregistrée.'),
    }));
  }

  @Get('versions')
  @Allow('public')
  @Header('content-type', HTML)
  versions(@Query() query: Record<string, string>, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    return this.page(reply, '/versions', query, async (roadmap) => {
      const to = roadmap ? (roadmap.versions.find((v) => v.version === query.to)?.version ?? this.data.currentVersion(roadmap)) : null;
      const from = roadmap && to ? (roadmap.versions.find((v) => v.version === query.from)?.version ?? roadmap.versions.find((v) => v.version === to)?.basedOn ?? null) : null;
      if (!roadmap || !to || !from) return { title: 'Évolutions entre versions', active: 'versions', body: messagePage('Évolutions entre versions', 'Il faut au moins deux versions de la feuille de route pour les comparer.') };
      const asOf = this.asOf(query);
      const [fromSheets, toSheets] = await Promise.all([this.data.sheets(roadmap.roadmapId, from, asOf), this.data.sheets(roadmap.roadmapId, to, asOf)]);
      return { title: `Évolutions de ${from} à ${to}`, active: 'versions', live: EVERYTHING, body: versionsPage(roadmap, from, to, fromSheets, toSheets, this.context('/versions', query, roadmap)) };
    });
  }

  private asOf(query: Record<string, string | undefined>): string | null {
    return query.asOf && isCalendarDate(query.asOf) ? query.asOf : null;
  }
}

class BadPage extends Error {
  constructor(readonly status: number, readonly title: string, message: string) {
    super(message);
  }
}
