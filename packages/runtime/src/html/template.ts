// The one way Footfall writes HTML: a tagged template that escapes every interpolation. Tracked
// strings (paths, referrers, event names, props) are attacker input shown to the site owner, so
// escaping is the default and markup has to be asked for by name (`raw`), never forgotten.
import { escapeHtml } from './escape.ts';

/** HTML that is already safe to place as it is: a template's result, or what `raw` vouches for. */
export class SafeHtml {
  readonly #html: string;

  constructor(html: string) {
    this.#html = html;
  }

  toString(): string {
    return this.#html;
  }
}

/**
 * Trusted markup (a constant, a stylesheet, the built client script) placed without escaping.
 * Never pass it anything a visitor, a URL or the store could have chosen.
 */
export function raw(html: string): SafeHtml {
  return new SafeHtml(html);
}

/** Template strings already checked for an unquoted attribute value (see `checkQuoted`). */
const checked = new WeakSet<TemplateStringsArray>();

/**
 * `html\`<a href="${url}">${label}</a>\`` with every value escaped: SafeHtml (a nested template,
 * `raw`) as it is, arrays item by item and joined, `null`, `undefined` and `false` as nothing (so
 * `${cond && html\`...\`}` reads naturally), anything else as escaped text. Escaping covers text
 * and quoted attribute values alike; an unquoted one (`href=${x}`) throws, since a space in the
 * value would start a new attribute.
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  if (!checked.has(strings)) {
    checkQuoted(strings);
    checked.add(strings);
  }
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1]!;
  return new SafeHtml(out);
}

function render(value: unknown): string {
  if (value instanceof SafeHtml) return value.toString();
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(value);
}

function checkQuoted(strings: TemplateStringsArray): void {
  let before = '';
  for (let i = 0; i < strings.length - 1; i++) {
    before += strings[i]!;
    // Inside a tag (the static text's last `<` is still open) and right after `=`.
    if (/=\s*$/.test(strings[i]!) && before.lastIndexOf('<') > before.lastIndexOf('>')) {
      throw new TypeError(`@footfall/runtime: html template value ${i + 1} is an unquoted attribute value; write name="\${value}"`);
    }
  }
}
