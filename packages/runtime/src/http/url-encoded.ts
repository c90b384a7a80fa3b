/**
 * Whether URL-encoded text (a form body, a query string) decodes to well-formed text. Every run
 * of percent-escapes must spell UTF-8: `%ED%A0%80` (a lone surrogate) or `%FF` would otherwise
 * become U+FFFD in URLSearchParams without a word, and a password or filter would silently be
 * another one. A `%` without two hex digits stays literal, as URLSearchParams keeps it.
 */
export function wellFormedUrlEncoded(text: string): boolean {
  try {
    text.replace(/(?:%[0-9a-fA-F]{2})+/g, (run) => decodeURIComponent(run));
    return text.isWellFormed();
  } catch {
    return false;
  }
}
