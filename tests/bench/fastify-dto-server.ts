import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import Fastify from 'fastify';
import { timeOrderedId } from '#event-store';
import { ReportIndicatorDto } from '../../apps/api/src/sheets/dto/sheet-write.dto.js';
import { BareAppender, type BareSync } from './bare-appender.js';

/**
 * The second yardstick: a bare Fastify route that validates the body with the API's own DTO and
 * class-validator options, then appends like baseline-server. Between it and the node:http baseline
 * lies the framework's and the validation's cost; between it and the API, Nest's and the domain's.
 *
 * Usage: node fastify-dto-server.js <db-path> <port> <full|offload>; prints `listening <port>` once ready.
 */
const [path, portArg, syncArg] = process.argv.slice(2);
if (!path) throw new Error('usage: fastify-dto-server <db-path> [port] [full|offload]');
const appender = new BareAppender(path, (syncArg ?? 'offload') as BareSync);
const app = Fastify({ logger: false });
const options = { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true, validationError: { target: false, value: false } } as const;

app.post<{ Params: { sheetId: string; indicatorId: string } }>('/api/sheets/:sheetId/indicators/:indicatorId/reports', async (req, reply) => {
  const dto = plainToInstance(ReportIndicatorDto, req.body);
  const errors = await validate(dto, options);
  if (errors.length > 0) return reply.code(400).send({ error: 'validation_failed' });
  const { sheetId, indicatorId } = req.params;
  const data = { sheetId, indicatorId, reportId: timeOrderedId(), value: dto.value, observedOn: dto.observedOn, territory: dto.territory ?? null, source: dto.source ?? null, comment: dto.comment ?? null };
  const metadata = { actor: 'baseline', correlationId: randomUUID(), causationId: null, source: 'api' };
  const { position } = await appender.append(`sheet-${sheetId}`, [{ type: 'IndicatorReported', data, metadata }], 'any');
  return reply.code(201).send({ position });
});
app.get('/', async () => ({ ok: true }));

await app.listen({ port: Number(portArg ?? 0), host: '127.0.0.1' });
process.stdout.write(`listening ${(app.server.address() as { port: number }).port}\n`);
process.on('SIGTERM', () => { void app.close().then(() => appender.close()).then(() => process.exit(0)); });
