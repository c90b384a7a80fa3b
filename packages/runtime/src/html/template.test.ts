import { describe, expect, it } from 'vitest';
import { html, raw, SafeHtml } from './template.ts';

const HOSTILE = `"><script>alert('x')</script>&amp;`;
const ESCAPED = '&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;amp;';

describe('html template', () => {
  it('escapes every interpolation in text', () => {
    expect(String(html`<p>${HOSTILE}</p><p>${HOSTILE}</p>`)).toBe(`<p>${ESCAPED}</p><p>${ESCAPED}</p>`);
    expect(String(html`<td>${42}</td><td>${1.5}</td><td>${true}</td>`)).toBe('<td>42</td><td>1.5</td><td>true</td>');
  });

  it('escapes values in quoted attributes, double and single', () => {
    expect(String(html`<a href="${HOSTILE}" title='${HOSTILE}'>x</a>`)).toBe(`<a href="${ESCAPED}" title='${ESCAPED}'>x</a>`);
    expect(String(html`<input value="${'" onfocus="alert(1)'}">`)).toBe('<input value="&quot; onfocus=&quot;alert(1)">');
  });

  it('refuses an unquoted attribute value, where escaping cannot help', () => {
    expect(() => html`<a href=${'x onmouseover=alert(1)'}>x</a>`).toThrow(/unquoted attribute value/);
    expect(() => html`<rect width= ${'1'}/>`).toThrow(/unquoted attribute value/);
    // An equals sign in text is not an attribute.
    expect(String(html`<p>a = ${'<b>'}</p>`)).toBe('<p>a = &lt;b&gt;</p>');
  });

  it('places raw() and nested templates as they are', () => {
    const inner = html`<b>${HOSTILE}</b>`;
    expect(inner).toBeInstanceOf(SafeHtml);
    expect(String(html`<p>${inner}</p>`)).toBe(`<p><b>${ESCAPED}</b></p>`);
    expect(String(html`<p>${raw('<em>trusted</em>')}</p>`)).toBe('<p><em>trusted</em></p>');
    // A string that merely looks like markup stays text.
    expect(String(html`<p>${'<em>not trusted</em>'}</p>`)).toBe('<p>&lt;em&gt;not trusted&lt;/em&gt;</p>');
  });

  it('joins arrays, escaping strings and keeping templates', () => {
    const items = ['<a>', 'b&c'].map((t) => html`<li>${t}</li>`);
    expect(String(html`<ul>${items}</ul>`)).toBe('<ul><li>&lt;a&gt;</li><li>b&amp;c</li></ul>');
    expect(String(html`<p>${['<', raw('<br>'), ['>', 1]]}</p>`)).toBe('<p>&lt;<br>&gt;1</p>');
  });

  it('renders null, undefined and false as nothing, so conditions read naturally', () => {
    const show = false;
    expect(String(html`<p>${null}${undefined}${show && html`<b>x</b>`}${0}</p>`)).toBe('<p>0</p>');
  });
});
