import { describe, expect, it } from '@jest/globals';
import { lineChart } from './svg-charts.js';

describe('lineChart', () => {
  it('draws a series of 200 000 points (its extent found by a loop, not a spread that overflows the stack)', () => {
    const start = Date.UTC(2016, 0, 4);
    const points = Array.from({ length: 200_000 }, (_, i) => ({ date: new Date(start + (i % 3650) * 864e5).toISOString().slice(0, 10), value: (i % 97) + 1 }));
    const svg = lineChart({ title: 'Série longue', description: 'Dix ans de relevés', unit: 'count', series: [{ label: 'Région', points }] }).value;
    expect(svg).toContain('<svg class="chart"');
    // The axis runs from 1 January of the first year to the last day: 2016 to 2025.
    expect(svg).toContain('>2016</text>');
    expect(svg).toContain('>2024</text>');
    expect(svg.match(/<circle /g)).toHaveLength(200_000);
  });
});
