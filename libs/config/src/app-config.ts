import { join, resolve } from 'node:path';

export interface AppConfig {
  eventStore: 'sqlite' | 'eventstoredb';
  dataDir: string;
  /**
   * The embedded store's file (EVENT_STORE_PATH, default `$DATA_DIR/events.sqlite`). Processes on
   * one machine that name the same file share one log; each keeps its read models in its DATA_DIR.
   */
  eventStorePath: string;
  /** `query`: this node answers reads only (writes: 405) and seeds nothing; `all`: reads and writes. */
  role: 'all' | 'query';
  port: number;
  host: string;
  eventStoreConnectionString?: string;
  kafkaBrokers: string[];
  kafkaTopic: string;
  adminToken?: string;
  /** Writes per minute and token; 0 turns rate limiting off. */
  rateLimitPerMinute: number;
  bodyLimitBytes: number;
  /** Data rows a reporting file may hold (413 beyond). */
  importMaxRows: number;
  /**
   * Slow clients: the whole request (headers and body) must arrive within `requestTimeoutMs` (else 408
   * and the connection closes), its headers within `headersTimeoutMs`; an idle keep-alive connection
   * closes after `keepAliveTimeoutMs`; `connectionTimeoutMs` (0: off) closes a socket silent that long.
   */
  timeouts: { requestTimeoutMs: number; headersTimeoutMs: number; keepAliveTimeoutMs: number; connectionTimeoutMs: number };
  corsOrigins: string[];
  logLevel: string;
  /** Seed the real roadmap into an empty store at start. */
  seedOnStart: boolean;
  /**
   * Where the API process runs its projections on the embedded store: on a worker thread (default:
   * the read models' writes leave the request thread) or on the main thread. EventStoreDB: always main.
   */
  projectionThread: 'worker' | 'main';
  /**
   * SQLite's page cache of the request thread's read-model connection, in MB
   * (READ_MODEL_QUERY_CACHE_MB), when the projections run on the worker. It fills up to its size and
   * stays resident; the file's pages are in the system's page cache anyway, so a smaller one costs a
   * copy per page read, not a disk read.
   */
  readModelQueryCacheMb: number;
  /**
   * SQLite's page cache of the projection worker's read-model connection, the one that writes, in MB
   * (READ_MODEL_WRITE_CACHE_MB). The writer's hot pages (the right edges of the tables, a leaf per
   * series, the sheets' documents) fit in 8 MB on the bench's million events; it fills up to its size
   * and stays resident.
   */
  readModelWriteCacheMb: number;
  /**
   * SQLite's page cache, in MB (SQLITE_CACHE_MB), of each connection this process opens to the event
   * store (the request thread's and the projection worker's), the write side's snapshots, the
   * idempotency keys and the audit chain. The SQLite that better-sqlite3 builds gives each connection
   * 16 MB, which fills up to its size and stays resident; the files' pages are in the system's page
   * cache anyway, so a smaller one costs a copy per page read, not a disk read.
   */
  sqliteCacheMb: number;
  // --- Write side: memory of the command path (kept in this one block) ---
  /**
   * Committed states the write side keeps in memory, so that a command on a recently written stream
   * neither reads nor folds it again: at most `stateCacheStreams` streams (STATE_CACHE_STREAMS) and,
   * together, the fold of at most `stateCacheEvents` events (STATE_CACHE_EVENTS): a sheet's state
   * holds every report, so its size grows with its stream (50–100 bytes a report in its ReportTable,
   * typed arrays outside the V8 heap that grow by doubling: the default budget of 500 000 events is at
   * most ~50 MB). Beyond, a state is read from its snapshot.
   */
  writeSide: { stateCacheStreams: number; stateCacheEvents: number };
  // --- end of the write side's block ---
  // --- Projections: memory of the read models' writer (kept in this one block) ---
  /**
   * Sheet documents the sheets projection keeps parsed between its batches (SHEET_DOCUMENTS_KEPT),
   * the most recently written first, so that a batch on a sheet written lately neither reads nor
   * parses its document again (a document is a few KB: the default of 256 is about 2–3 MB of heap).
   * 0 reads every document from its table.
   */
  projections: { sheetDocumentsKept: number };
  // --- end of the projections' block ---
  /**
   * How long the API keeps the thread that renders the assessment's files (odt, docx, pdf) after its
   * last one, in ms (ASSESSMENT_THREAD_IDLE_MS). 0 (the default): each file starts a thread, which
   * ends when the file is made, and the libraries it loaded (~20 MB, and ~30 MB of RSS while the
   * thread lives) go with it; a file then takes 40–170 ms more (the libraries loaded again). Longer:
   * the files asked for within it find them loaded.
   */
  assessmentThreadIdleMs: number;
}

/** SHEET_DOCUMENTS_KEPT's default (see AppConfig.projections). */
export const SHEET_DOCUMENTS_KEPT = 256;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number, problems: string[]): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    problems.push(`${name} must be a whole number between ${min} and ${max} (got "${raw}")`);
    return fallback;
  }
  return n;
}

/** Reads and checks the environment once, at start; every problem is reported at once, in words. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const problems: string[] = [];
  const eventStore = (env.EVENT_STORE ?? 'sqlite') as AppConfig['eventStore'];
  if (eventStore !== 'sqlite' && eventStore !== 'eventstoredb') problems.push(`EVENT_STORE must be "sqlite" or "eventstoredb" (got "${env.EVENT_STORE}")`);
  const connection = env.EVENTSTORE_CONNECTION_STRING;
  if (eventStore === 'eventstoredb' && !connection) problems.push('EVENTSTORE_CONNECTION_STRING is required when EVENT_STORE=eventstoredb (e.g. esdb://localhost:2113?tls=false)');
  if (connection && !/^esdb(\+discover)?:\/\//.test(connection)) problems.push('EVENTSTORE_CONNECTION_STRING must start with esdb:// or esdb+discover://');
  const brokers = (env.KAFKA_BROKERS ?? '').split(',').map((b) => b.trim()).filter(Boolean);
  for (const b of brokers) if (!/^[\w.-]+:\d{1,5}$/.test(b)) problems.push(`KAFKA_BROKERS entries must be host:port (got "${b}")`);
  const adminToken = env.SCORAN_ADMIN_TOKEN || undefined;
  if (adminToken !== undefined && adminToken.length < 16) problems.push('SCORAN_ADMIN_TOKEN must be at least 16 characters long');
  const dataDir = resolve(env.DATA_DIR ?? './data');
  const config: AppConfig = {
    eventStore,
    dataDir,
    eventStorePath: env.EVENT_STORE_PATH ? resolve(env.EVENT_STORE_PATH) : join(dataDir, 'events.sqlite'),
    role: (env.ROLE ?? 'all') as AppConfig['role'],
    port: integer(env, 'PORT', 3000, 0, 65535, problems),
    host: env.HOST ?? '0.0.0.0',
    eventStoreConnectionString: connection,
    kafkaBrokers: brokers,
    kafkaTopic: env.KAFKA_TOPIC ?? 'scoran.events',
    adminToken,
    rateLimitPerMinute: integer(env, 'RATE_LIMIT_PER_MINUTE', 6000, 0, 10_000_000, problems),
    bodyLimitBytes: integer(env, 'BODY_LIMIT_BYTES', 1_048_576, 1024, 100 * 1_048_576, problems),
    importMaxRows: integer(env, 'IMPORT_MAX_ROWS', 20_000, 1, 1_000_000, problems),
    timeouts: {
      requestTimeoutMs: integer(env, 'REQUEST_TIMEOUT_MS', 30_000, 100, 3_600_000, problems),
      headersTimeoutMs: integer(env, 'HEADERS_TIMEOUT_MS', 10_000, 100, 3_600_000, problems),
      keepAliveTimeoutMs: integer(env, 'KEEP_ALIVE_TIMEOUT_MS', 5_000, 100, 3_600_000, problems),
      connectionTimeoutMs: integer(env, 'CONNECTION_TIMEOUT_MS', 0, 0, 3_600_000, problems),
    },
    corsOrigins: (env.CORS_ORIGINS ?? '').split(',').map((o) => o.trim()).filter(Boolean),
    logLevel: env.LOG_LEVEL ?? 'info',
    seedOnStart: (env.SEED_ON_START ?? 'true') !== 'false',
    projectionThread: (env.PROJECTION_THREAD ?? 'worker') as AppConfig['projectionThread'],
    readModelQueryCacheMb: integer(env, 'READ_MODEL_QUERY_CACHE_MB', 4, 1, 4096, problems),
    readModelWriteCacheMb: integer(env, 'READ_MODEL_WRITE_CACHE_MB', 8, 1, 4096, problems),
    sqliteCacheMb: integer(env, 'SQLITE_CACHE_MB', 2, 1, 4096, problems),
    // --- Write side (see AppConfig.writeSide) ---
    writeSide: {
      stateCacheStreams: integer(env, 'STATE_CACHE_STREAMS', 256, 0, 1_000_000, problems),
      stateCacheEvents: integer(env, 'STATE_CACHE_EVENTS', 500_000, 0, 100_000_000, problems),
    },
    // --- end of the write side's block ---
    // --- Projections (see AppConfig.projections) ---
    projections: {
      sheetDocumentsKept: integer(env, 'SHEET_DOCUMENTS_KEPT', SHEET_DOCUMENTS_KEPT, 0, 1_000_000, problems),
    },
    // --- end of the projections' block ---
    assessmentThreadIdleMs: integer(env, 'ASSESSMENT_THREAD_IDLE_MS', 0, 0, 3_600_000, problems),
  };
  if (!['all', 'query'].includes(config.role)) problems.push(`ROLE must be "all" or "query" (got "${env.ROLE}")`);
  if (env.EVENT_STORE_PATH && eventStore !== 'sqlite') problems.push('EVENT_STORE_PATH names the embedded store\'s file: it needs EVENT_STORE=sqlite');
  if (!['worker', 'main'].includes(config.projectionThread)) problems.push(`PROJECTION_THREAD must be "worker" or "main" (got "${env.PROJECTION_THREAD}")`);
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(config.logLevel)) problems.push(`LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent`);
  // Node refuses a header deadline later than the whole request's.
  if (config.timeouts.headersTimeoutMs > config.timeouts.requestTimeoutMs) problems.push('HEADERS_TIMEOUT_MS must not exceed REQUEST_TIMEOUT_MS');
  if (problems.length) throw new ConfigError(problems);
  return config;
}
