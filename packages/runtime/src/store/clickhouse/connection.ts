import type { ClickHouseSettings } from '../../options.ts';
import { FootfallStorageError } from '../../errors.ts';

type Client = import('@clickhouse/client').ClickHouseClient;

/**
 * The connection: `@clickhouse/client` is loaded only when storage is 'clickhouse' (a dynamic
 * import), so other engines never load it. The client speaks HTTP and opens sockets as needed:
 * after an outage the next request simply connects again.
 */
export class Connection {
  readonly database: string;
  /** The server's version, e.g. [18, 16, 1]. */
  version: number[] = [0];
  #client: Client;
  /** For maintenance (sealing, retention, migrations): statements that may run for minutes. */
  #slow: Client;
  #settings: Record<string, unknown> = {};

  private constructor(client: Client, slow: Client, database: string) {
    this.#client = client;
    this.#slow = slow;
    this.database = database;
  }

  static async open(settings: ClickHouseSettings, requestTimeoutMs = 10_000): Promise<Connection> {
    const { createClient, ClickHouseLogLevel } = await import('@clickhouse/client');
    // The database is created by migrate(), so the first connection names none.
    const bootstrap = createClient({
      url: settings.url,
      username: settings.username,
      password: settings.password,
      request_timeout: requestTimeoutMs,
      log: { level: ClickHouseLogLevel.OFF },
    });
    try {
      const rows = (await (await bootstrap.query({ query: 'SELECT version() AS v', format: 'JSONEachRow' })).json()) as { v: string }[];
      await bootstrap.command({ query: `CREATE DATABASE IF NOT EXISTS ${settings.database}` });
      const options = { url: settings.url, username: settings.username, password: settings.password, database: settings.database, log: { level: ClickHouseLogLevel.OFF } };
      const c = new Connection(createClient({ ...options, request_timeout: requestTimeoutMs }), createClient({ ...options, request_timeout: 30 * 60_000 }), settings.database);
      c.version = rows[0]!.v.split('.').map(Number);
      return c;
    } catch (error) {
      throw failure(
        error,
        `cannot reach ClickHouse at ${settings.url} (database ${settings.database}); check FOOTFALL_CLICKHOUSE_URL, its user and password, and that the server is running`,
      );
    } finally {
      await bootstrap.close();
    }
  }

  /** Whether the server is at least major.minor. */
  atLeast(major: number, minor = 0): boolean {
    const [a = 0, b = 0] = this.version;
    return a > major || (a === major && b >= minor);
  }

  /** Settings sent with every insert (async inserts where the server has them). */
  set insertSettings(settings: Record<string, unknown>) {
    this.#settings = settings;
  }

  async command(query: string, slow = false): Promise<void> {
    try {
      await (slow ? this.#slow : this.#client).command({ query });
    } catch (error) {
      throw failure(error, 'ClickHouse refused a statement');
    }
  }

  /** `slow`: a one-off read that may take minutes (a year of raw events), without the usual timeout. */
  async rows<T>(query: string, slow = false): Promise<T[]> {
    try {
      return (await (await (slow ? this.#slow : this.#client).query({ query, format: 'JSONEachRow' })).json()) as T[];
    } catch (error) {
      throw failure(error, 'ClickHouse could not answer a query');
    }
  }

  /**
   * Each row, streamed: a long answer (a busy day's events) is taken in as it arrives, never
   * held whole as text and objects at once. (18.16 has no JSONCompactEachRow.)
   */
  async each<T>(query: string, use: (row: T) => void): Promise<void> {
    try {
      const result = await this.#client.query({ query, format: 'JSONEachRow' });
      for await (const rows of result.stream<T>()) for (const row of rows) use(row.json());
    } catch (error) {
      throw failure(error, 'ClickHouse could not answer a query');
    }
  }

  async insert(table: string, values: readonly Record<string, unknown>[]): Promise<void> {
    try {
      await this.#client.insert({ table, values: values as Record<string, unknown>[], format: 'JSONEachRow', clickhouse_settings: this.#settings as never });
    } catch (error) {
      throw failure(error, `could not store ${values.length} row(s) in ClickHouse`);
    }
  }

  async close(): Promise<void> {
    await Promise.all([this.#client.close(), this.#slow.close()]);
  }
}

/**
 * Every ClickHouse failure is a storage failure: unreachable, timed out, refused (too many parts,
 * read-only, out of memory). The collector answers 503 with Retry-After; nothing was acknowledged.
 */
function failure(error: unknown, what: string): FootfallStorageError {
  const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
  return new FootfallStorageError(`${what}: ${message}`, { cause: error });
}

/** A ClickHouse string literal. */
export function lit(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** An integer literal (ms timestamps fit Int64). */
export function int(value: number): string {
  if (!Number.isFinite(value)) return value > 0 ? '9223372036854775807' : '-9223372036854775808';
  return String(Math.trunc(value));
}
