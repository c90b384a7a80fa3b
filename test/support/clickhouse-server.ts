import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A real ClickHouse for tests: Debian's `clickhouse-server` (installed by
 * scripts/install-system-deps.sh) started as a plain process on free ports with a temporary data
 * directory and its own config, never as a system service, and stopped afterwards.
 */
export interface ClickHouseServer {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  /** The server's data directory (`--path`): what the privacy tests search. */
  readonly dataDir: string;
  readonly pid: number;
  /** Every file under the data directory. */
  files(): string[];
  /** Pauses the process (SIGSTOP) or lets it go on (SIGCONT): "unreachable" without losing data. */
  pause(): void;
  resume(): void;
  stop(): Promise<void>;
}

export const CLICKHOUSE_BINARY = process.env.FOOTFALL_CLICKHOUSE_SERVER ?? '/usr/sbin/clickhouse-server';

export function clickhouseAvailable(): boolean {
  return existsSync(CLICKHOUSE_BINARY) || process.env.FOOTFALL_TEST_CLICKHOUSE_URL !== undefined;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function startClickHouse(): Promise<ClickHouseServer> {
  const root = mkdtempSync(join(tmpdir(), 'footfall-clickhouse-'));
  const dataDir = join(root, 'data');
  mkdirSync(dataDir);
  const [http, tcp, interserver] = [await freePort(), await freePort(), await freePort()];
  // users.xml: one passwordless `default` user reachable from loopback only. max_threads: 18.16's
  // default here is 1 (it counts physical cores, and finds one on these 2-vCPU AMD machines), so
  // each query ran on one thread with the other core idle (the 100 M-event page's longest query
  // took twice as long). The server is told the CPUs this process may use.
  writeFileSync(
    join(root, 'users.xml'),
    `<?xml version="1.0"?>
<yandex>
  <profiles><default><max_memory_usage>4000000000</max_memory_usage><max_threads>${availableParallelism()}</max_threads></default></profiles>
  <users><default><password></password><networks><ip>127.0.0.1</ip><ip>::1</ip></networks><profile>default</profile><quota>default</quota></default></users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>`,
  );
  writeFileSync(
    join(root, 'config.xml'),
    `<?xml version="1.0"?>
<yandex>
  <!-- On stderr: the test waits for "Ready for connections." and shows the tail if start fails. -->
  <logger><level>information</level><console>1</console></logger>
  <http_port>${http}</http_port>
  <tcp_port>${tcp}</tcp_port>
  <interserver_http_port>${interserver}</interserver_http_port>
  <listen_host>127.0.0.1</listen_host>
  <path>${dataDir}/</path>
  <tmp_path>${dataDir}/tmp/</tmp_path>
  <user_files_path>${dataDir}/user_files/</user_files_path>
  <format_schema_path>${dataDir}/format_schemas/</format_schema_path>
  <users_config>${root}/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <mark_cache_size>268435456</mark_cache_size>
  <max_concurrent_queries>100</max_concurrent_queries>
  <merge_tree><old_parts_lifetime>30</old_parts_lifetime></merge_tree>
</yandex>`,
  );
  const child: ChildProcess = spawn(
    CLICKHOUSE_BINARY,
    [`--config-file=${join(root, 'config.xml')}`, '--', `--path=${dataDir}/`, `--http_port=${http}`, `--tcp_port=${tcp}`, '--listen_host=127.0.0.1'],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
      cwd: root,
    },
  );
  let stderr = '';
  let exited = false;
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`clickhouse-server was not ready within 60 s: ${stderr}`));
    }, 60_000);
    child.stderr!.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-4000);
      if (stderr.includes('Ready for connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', () => {
      clearTimeout(timer);
      reject(new Error(`clickhouse-server exited at start: ${stderr}`));
    });
  });
  // Never outlive the test process, even when a test file forgets stop().
  const orphan = () => {
    child.kill('SIGKILL');
    rmSync(root, { recursive: true, force: true });
  };
  process.once('exit', orphan);
  child.once('exit', () => (exited = true));
  const url = `http://127.0.0.1:${http}`;
  await ready;
  return {
    url,
    dataDir,
    pid: child.pid!,
    files: () =>
      readdirSync(dataDir, { recursive: true, encoding: 'utf8' })
        .map((f) => join(dataDir, f))
        .filter((f) => {
          try {
            return statSync(f).isFile();
          } catch {
            return false; // removed by a merge while listing
          }
        }),
    pause: () => void child.kill('SIGSTOP'),
    resume: () => void child.kill('SIGCONT'),
    async stop() {
      process.off('exit', orphan);
      if (shared && (await shared.catch(() => undefined))?.pid === child.pid) shared = undefined;
      if (!exited) {
        child.kill('SIGCONT');
        const gone = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await gone;
        clearTimeout(timer);
      }
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** A server shared by a test file, started once. */
let shared: Promise<ClickHouseServer> | undefined;
export function sharedClickHouse(): Promise<ClickHouseServer> {
  return (shared ??= startClickHouse());
}

let databases = 0;
/** A database name no other test of this process uses. */
export function uniqueDatabase(): string {
  return `footfall_t${process.pid}_${++databases}_${Math.floor(Math.random() * 1e6)}`;
}
