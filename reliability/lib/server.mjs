// Starting, stopping and killing the reliability server (../server.mjs) as a child process, and
// watching it: its port comes over IPC, its log lines from stderr, its memory from /proc.
import { fork } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SERVER = new URL('../server.mjs', import.meta.url).pathname;
export const PASSWORD = 'reliability suite passphrase';
const START_TIMEOUT_MS = 30_000;

/**
 * Starts a server on `dataDir`. Resolves once it listens, with its URL, its log (every stderr
 * line, in order) and ways to end it; rejects if it exits or stays silent for 30 s first.
 */
export async function startServer(dataDir, env = {}, { execArgv = [] } = {}) {
  const child = fork(SERVER, [], {
    execArgv,
    env: { ...process.env, NODE_ENV: 'production', FOOTFALL_DATA_DIR: dataDir, FOOTFALL_PASSWORD: PASSWORD, FOOTFALL_TIMEZONE: 'UTC', ...env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const lines = [];
  let partial = '';
  const onData = (chunk) => {
    partial += chunk;
    const parts = partial.split('\n');
    partial = parts.pop();
    lines.push(...parts.filter((l) => l.trim() !== ''));
  };
  child.stdout.setEncoding('utf8').on('data', onData);
  child.stderr.setEncoding('utf8').on('data', onData);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));

  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error('did not listen within 30 s')), START_TIMEOUT_MS);
    const fail = (error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`reliability server on ${dataDir}: ${error.message}\n${lines.join('\n')}`));
    };
    child.once('message', (m) => {
      clearTimeout(timer);
      resolve(m.port);
    });
    exited.then(({ code, signal }) => fail(new Error(`exited (${signal ?? code}) before listening`)));
  });

  return {
    child,
    pid: child.pid,
    port,
    url: `http://127.0.0.1:${port}`,
    lines,
    exited,
    /** The server's process.memoryUsage(), after a full GC if it was started with --expose-gc. */
    memory() {
      return new Promise((resolve, reject) => {
        const onMessage = (m) => {
          if (m?.type !== 'memory') return;
          child.off('message', onMessage);
          resolve(m);
        };
        child.on('message', onMessage);
        child.send({ type: 'memory' }, (error) => error && reject(error));
      });
    },
    /** SIGKILL: no flush, no close, as a crash or the OOM killer would end it. */
    async kill() {
      child.kill('SIGKILL');
      return exited;
    },
    /** SIGTERM: the server closes Footfall (flushes, closes the store) and exits. */
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      const result = await exited;
      clearTimeout(timer);
      return result;
    },
  };
}

/** Resident memory of a process in bytes (VmRSS in /proc/<pid>/status), or undefined once it is gone. */
export function rssOf(pid) {
  try {
    const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? undefined : Number(kb) * 1024;
  } catch {
    return undefined;
  }
}

/**
 * One scenario's server on a fresh data directory: started, handed to `run`, and always stopped
 * and its directory removed, whatever `run` does.
 */
export async function withServer(tag, env, run) {
  const dataDir = mkdtempSync(join(tmpdir(), `footfall-reliability-${tag}-`));
  let server;
  try {
    server = await startServer(dataDir, env);
    return await run(server, dataDir);
  } finally {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
