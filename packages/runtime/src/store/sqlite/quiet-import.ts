// Imports nothing: the append and integrity workers load it before anything else (type stripping
// only, no runtime code that would pull in more).

/**
 * Loads node:sqlite without its ExperimentalWarning (printed by Node 22 and 24 before 24.15): an
 * operator cannot act on it, and it would come once per thread. Only that one warning is held
 * back, only while the module loads; a thread that already loaded it loads nothing again.
 */
export async function importSqliteQuietly(): Promise<typeof import('node:sqlite')> {
  const emit = process.emitWarning;
  process.emitWarning = function (this: unknown, warning: string | Error, ...rest: unknown[]) {
    const text = typeof warning === 'string' ? warning : warning?.message;
    if (text?.startsWith('SQLite is an experimental feature')) return;
    return (emit as (...args: unknown[]) => void).call(process, warning, ...rest);
  } as typeof process.emitWarning;
  try {
    return await import('node:sqlite');
  } finally {
    process.emitWarning = emit;
  }
}
