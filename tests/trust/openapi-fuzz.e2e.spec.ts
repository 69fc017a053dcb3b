import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { createFixture, ROADMAP } from '../support/roadmap-fixture.js';
import { startTestApp, type RunningApp } from '../support/test-app.js';

type Schema = { $ref?: string; type?: string; enum?: unknown[]; items?: Schema; properties?: Record<string, Schema>; required?: string[]; allOf?: Schema[]; oneOf?: Schema[]; anyOf?: Schema[]; format?: string; example?: unknown };
type Operation = { method: string; path: string; params: Array<{ name: string; in: string; required?: boolean; schema?: Schema }>; body: Schema | null };

const RUNS_PER_OPERATION = Number(process.env.FUZZ_RUNS ?? 20);
// A fixed seed by default, so that a run is reproducible and the check that some writes went through
// (only a few operations accept a random body) cannot fail by chance; FUZZ_SEED explores other inputs.
const SEED = Number(process.env.FUZZ_SEED ?? 20261201);

/** Strings a validator might mishandle, next to fast-check's own. */
const nastyString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom('', ' ', '\u0000', '\u202Eabc', 'a\u200Bb', '👩🏽‍💻', '\ud800', '%00', '../../etc/passwd', '2024-02-30', '2024-02-29', '9999-12-31', 'V4', 'V999', '4.13', 'csirt-cyberreponse', 'interventions', 'launch',
    'admin', 'pilot', 'auditor', 'x'.repeat(5001), '1e400', 'NaN', '{"$gt":""}', "'; DROP TABLE events; --", '<script>alert(1)</script>', '__proto__', 'constructor', '24', '37', 'count', 'percent', 'projet', 'avenir'),
);
const anyJson = fc.oneof(fc.jsonValue({ maxDepth: 3 }), nastyString, fc.constantFrom(1e308, -0, Number.MAX_SAFE_INTEGER + 2, 0.1, -1));

function resolve(doc: any, s: Schema | undefined): Schema {
  if (!s) return {};
  if (s.$ref) return resolve(doc, doc.components.schemas[s.$ref.split('/').pop()!]);
  if (s.allOf?.length) return s.allOf.map((x) => resolve(doc, x)).reduce((a, b) => ({ ...a, ...b, properties: { ...a.properties, ...b.properties }, required: [...(a.required ?? []), ...(b.required ?? [])] }), {});
  return s;
}

/** A value that fits the schema as far as the schema says (formats and patterns are guessed by examples). */
function fromSchema(doc: any, raw: Schema | undefined, depth = 0): fc.Arbitrary<unknown> {
  const s = resolve(doc, raw);
  if (s.enum) return fc.constantFrom(...s.enum);
  const example = s.example !== undefined ? [fc.constant(s.example)] : [];
  switch (s.type) {
    case 'string': return fc.oneof(...example, ...example, nastyString);
    case 'number': return fc.oneof(...example, fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer({ min: 0, max: 100 }));
    case 'integer': return fc.oneof(...example, fc.integer({ min: -2, max: 20 }));
    case 'boolean': return fc.boolean();
    case 'array': return depth > 3 ? fc.constant([]) : fc.array(fromSchema(doc, s.items, depth + 1), { maxLength: 3 });
    default: {
      if (!s.properties || depth > 3) return anyJson;
      const keys = Object.keys(s.properties);
      return fc.record(Object.fromEntries(keys.map((k) => [k, fromSchema(doc, s.properties![k], depth + 1)])), { requiredKeys: (s.required ?? []).filter((k) => keys.includes(k)) });
    }
  }
}

/** Valid-looking bodies, then mutated: a field dropped, a field retyped, an unknown or hostile key added. */
function bodyArbitrary(doc: any, schema: Schema): fc.Arbitrary<unknown> {
  const base = fromSchema(doc, schema);
  const mutated = fc.tuple(base, fc.nat(), anyJson, fc.constantFrom('unknownField', '__proto__', 'constructor', 'prototype', 'value', 'sheetId', 'role', '')).map(([b, n, v, key]) => {
    if (!b || typeof b !== 'object' || Array.isArray(b)) return v;
    const copy: Record<string, unknown> = { ...(b as Record<string, unknown>) };
    const keys = Object.keys(copy);
    switch (n % 3) {
      case 0: if (keys.length) delete copy[keys[n % keys.length]!]; break;
      case 1: if (keys.length) copy[keys[n % keys.length]!] = v; break;
      default: Object.defineProperty(copy, key, { value: v, enumerable: true, configurable: true, writable: true });
    }
    return copy;
  });
  return fc.oneof({ arbitrary: base, weight: 2 }, { arbitrary: mutated, weight: 3 }, { arbitrary: anyJson, weight: 1 });
}

/** A lone surrogate cannot be percent-encoded as UTF-8: send the bytes a careless client would. */
const encodeSegment = (v: string) => v.split(/([\ud800-\udfff])/).map((part) => { try { return encodeURIComponent(part); } catch { return '%ED%A0%80'; } }).join('');

const KNOWN: Record<string, string[]> = {
  sheetId: ['csirt-cyberreponse', 'no-such-sheet'], indicatorId: ['interventions', 'coverage', 'nope'], milestoneId: ['launch', 'review', 'nope'],
  roadmapId: [ROADMAP, 'nope'], version: ['V4', 'V5', 'V0'], id: ['nope'], reportId: ['nope'],
};

describe('fuzzing every operation of the OpenAPI description', () => {
  let app: RunningApp;
  let operations: Operation[];
  let doc: any;
  let pilot: string;
  let auditor: string;
  const head = async () => (await app.call('GET', '/health', { token: null })).body.store.head as number;
  const seen = new Map<string, Set<number>>();

  beforeAll(async () => {
    app = await startTestApp({ env: { BODY_LIMIT_BYTES: '65536' } });
    await createFixture(app);
    pilot = (await app.call('POST', '/api/tokens', { body: { role: 'pilot', organisationId: 'pilot-org' } })).body.token;
    auditor = (await app.call('POST', '/api/tokens', { body: { role: 'auditor' } })).body.token;
    doc = (await app.call('GET', '/api/docs-json', { token: null })).body;
    operations = [];
    for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, any>>)) {
      for (const [method, op] of Object.entries(ops)) {
        if (!['get', 'post', 'delete', 'put', 'patch'].includes(method)) continue;
        const content = op.requestBody?.content?.['application/json'];
        operations.push({ method: method.toUpperCase(), path, params: op.parameters ?? [], body: content ? content.schema : null });
      }
    }
  });
  afterAll(() => app.close(true));

  it('finds the operations to fuzz', () => {
    expect(operations.length).toBeGreaterThanOrEqual(20);
    expect(operations.filter((o) => o.body).length).toBeGreaterThanOrEqual(10);
  });

  it('never answers 5xx, never leaks a stack, and writes nothing when it refuses', async () => {
    for (const [index, op] of operations.entries()) {
      const pathParams = op.params.filter((p) => p.in === 'path');
      const queryParams = op.params.filter((p) => p.in === 'query');
      const request = fc.record({
        path: fc.record(Object.fromEntries(pathParams.map((p) => [p.name, fc.oneof({ arbitrary: fc.constantFrom(...(KNOWN[p.name] ?? ['x'])), weight: 4 }, { arbitrary: nastyString, weight: 1 })]))),
        query: fc.record(Object.fromEntries(queryParams.map((p) => [p.name, fc.oneof(fromSchema(doc, p.schema), nastyString)])), { requiredKeys: [] }),
        body: op.body ? bodyArbitrary(doc, op.body) : fc.constant(undefined),
        token: fc.constantFrom<string | null>('admin', 'admin', 'pilot', 'auditor', null),
      });
      await fc.assert(fc.asyncProperty(request, async (r) => {
        const path = op.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeSegment(String((r.path as Record<string, string>)[name] ?? 'x')));
        const qs = new URLSearchParams(Object.entries(r.query as Record<string, unknown>).map(([k, v]): [string, string] => [k, (typeof v === 'string' ? v : JSON.stringify(v) ?? 'null').replace(/[\ud800-\udfff]/g, '\ufffd')])).toString();
        const token = r.token === 'admin' ? undefined : r.token === 'pilot' ? pilot : r.token === 'auditor' ? auditor : null;
        const before = await head();
        const res = await app.call(op.method, `${path}${qs ? `?${qs}` : ''}`, { token, body: r.body === undefined ? undefined : JSON.stringify(r.body) ?? 'null' });
        const statuses = seen.get(`${op.method} ${op.path}`) ?? new Set<number>();
        statuses.add(res.status);
        seen.set(`${op.method} ${op.path}`, statuses);
        expect({ op: `${op.method} ${op.path}`, status: res.status < 500 ? 'ok' : res.status, body: res.status < 500 ? null : res.text }).toEqual({ op: `${op.method} ${op.path}`, status: 'ok', body: null });
        expect(res.text).not.toMatch(/\n\s+at \S/);
        if (res.status >= 400) {
          expect({ op: `${op.method} ${op.path}`, status: res.status, written: (await head()) - before }).toEqual({ op: `${op.method} ${op.path}`, status: res.status, written: 0 });
          expect(typeof res.body?.error).toBe('string');
        }
      }), { numRuns: RUNS_PER_OPERATION, endOnFailure: true, seed: SEED + index });
    }
    // The fuzz must have reached past validation somewhere: some writes went through.
    const writes = [...seen.entries()].filter(([k]) => !k.startsWith('GET'));
    expect(writes.some(([, s]) => s.has(201))).toBe(true);
  }, 170_000);
});
