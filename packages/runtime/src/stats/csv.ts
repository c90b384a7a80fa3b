/**
 * CSV cells for spreadsheets. A tracked value is attacker input: a cell that starts with
 * = + - @, a tab or a carriage return could run as a formula, so it gets a leading apostrophe.
 */
export function csvCell(value: unknown): string {
  let text = value === undefined || value === null ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(cells: readonly unknown[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

/** A file name from validated parts only: letters, digits, dashes. */
export function csvFileName(parts: readonly string[]): string {
  return `${parts.map((p) => p.replace(/[^A-Za-z0-9-]+/g, '-')).join('-')}.csv`;
}
