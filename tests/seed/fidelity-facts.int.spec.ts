import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

// The facts of docs/fidelity-audit.md, as scripts/fidelity-audit.mjs wrote them. They are the
// input of a round-trip test once the tracker serves dates, qualifiers and scopes as printed.
interface Fact { id: string; section: string; quote: string | null; endpoint: string; field: string; printed: unknown; served: unknown; verdict: 'right' | 'wrong' | 'judgement'; loss: string[]; note: string | null }

const root = process.cwd();
const { facts } = JSON.parse(readFileSync(join(root, 'tests', 'seed', 'fixtures', 'fidelity-facts.json'), 'utf8')) as { facts: Fact[] };
const clean = (line: string) => line.replace(/\[([^\]]+)\]\(#\)/g, '$1').replace(/\*\*([^*]+)\*\*/g, '$1').replace(/\*([^*]+)\*/g, '$1').replace(/\^\{(\w+)\}/g, '$1').replace(/\^(\w+)/g, '$1').replace(/\s+/g, ' ').trim();
const source = readFileSync(join(root, 'seeds', 'scoran-centre-val-de-loire', 'source', 'scoran-v4-2023-06.txt'), 'utf8').split('\n').map(clean);
const audit = readFileSync(join(root, 'docs', 'fidelity-audit.md'), 'utf8');

describe('fidelity facts', () => {
  it('have unique ids, a verdict, and a loss class for every wrong fact', () => {
    expect(new Set(facts.map((f) => f.id)).size).toBe(facts.length);
    expect(facts.every((f) => ['right', 'wrong', 'judgement'].includes(f.verdict))).toBe(true);
    expect(facts.filter((f) => f.verdict === 'wrong' && f.loss.length === 0).map((f) => f.id)).toEqual([]);
    expect(facts.filter((f) => f.verdict !== 'wrong' && f.loss.length > 0).map((f) => f.id)).toEqual([]);
  });

  it('quote the source verbatim', () => {
    const quoted = facts.filter((f) => f.quote);
    expect(quoted.length).toBeGreaterThan(300);
    expect(quoted.filter((f) => !source.some((line) => line.includes(f.quote!))).map((f) => f.id)).toEqual([]);
  });

  it('are the facts the audit document counts', () => {
    const count = (v: string) => facts.filter((f) => f.verdict === v).length;
    expect(audit).toContain(`Facts checked: **${facts.length}** — right **${count('right')}**, wrong **${count('wrong')}**, judgement calls **${count('judgement')}**.`);
    for (const f of facts.filter((x) => x.verdict !== 'right')) expect([f.id, audit.includes(`\`${f.id}\``)]).toEqual([f.id, true]);
  });

  it('cover every class of loss the audit explains', () => {
    const classes = new Set(facts.flatMap((f) => f.loss));
    const explanations = audit.slice(audit.indexOf('## The losses, and where they come from'), audit.indexOf('## Plan'));
    expect(explanations.length).toBeGreaterThan(1000);
    const explained = [...explanations.matchAll(/^\| `([a-z0-9-]+)`(?:, `([a-z0-9-]+)`)? \| /gm)].flatMap((m) => [m[1], m[2]]).filter(Boolean);
    expect([...classes].filter((c) => !explained.includes(c))).toEqual([]);
  });
});
