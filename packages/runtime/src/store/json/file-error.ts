import { FootfallStorageError } from '../../errors.ts';

/** The causes an operator must recognise at a glance in a log line; others keep Node's message. */
const CAUSES: Record<string, string> = {
  ENOSPC: 'disk full',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'read-only file system',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EIO: 'input/output error',
  EMFILE: 'too many open files',
};

const ADVICE: Record<string, string> = {
  ENOSPC: 'Free space on that disk; no event is acknowledged until a write succeeds.',
  EDQUOT: 'Raise the quota or free space; no event is acknowledged until a write succeeds.',
  EROFS: 'Check that FOOTFALL_DATA_DIR is on a writable file system.',
  EACCES: 'Check that FOOTFALL_DATA_DIR is writable by this process.',
  EPERM: 'Check that FOOTFALL_DATA_DIR is writable by this process.',
  EIO: 'The disk may be failing; check the system log.',
};

/**
 * A failed file operation as a FootfallStorageError (the collector answers 503 with Retry-After),
 * naming the file the store meant, not a temp file, and the cause in words: "disk full (ENOSPC)
 * writing /data/footfall.json". An error that is already a FootfallStorageError passes through.
 */
export function fileError(action: string, file: string, error: unknown): FootfallStorageError {
  if (error instanceof FootfallStorageError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const cause = code && CAUSES[code] ? `${CAUSES[code]} (${code})` : String((error as Error | undefined)?.message ?? error);
  const advice = code && ADVICE[code] ? ` ${ADVICE[code]}` : '';
  return new FootfallStorageError(`${cause} ${action} ${file}.${advice}`, { cause: error });
}
