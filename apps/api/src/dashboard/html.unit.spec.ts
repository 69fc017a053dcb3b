import { describe, expect, it } from '@jest/globals';
import { html } from './html.js';

describe('html template', () => {
  it('escapes interpolated text but keeps nested markup', () => {
    const name = '<script>alert("x")</script>';
    const inner = html`<b>${name}</b>`;
    expect(html`<p>${inner}${[html`<i>a</i>`, 'b&c']}${null}</p>`.value).toBe('<p><b>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</b><i>a</i>b&amp;c</p>');
  });
});
