#!/usr/bin/env node
// `footfall <command>`: maintenance commands for a Footfall data directory.
import { resolveOptions, type StorageEngine } from './options.ts';
import { migrate, MIGRATION_TARGETS } from './store/migrate.ts';
import { bucketAt } from './visitor/buckets.ts';

const USAGE = `Usage: footfall migrate --to <${MIGRATION_TARGETS.join('|')}> [--data-dir DIR]

  migrate --to sqlite
                 copy a JSON data directory into SQLite (footfall.db in the same directory);
                 then set FOOTFALL_STORAGE=sqlite. (\`footfall migrate-json\` is the same.)
  migrate --to clickhouse
                 copy a SQLite (or JSON) data directory's history into the ClickHouse named by
                 FOOTFALL_CLICKHOUSE_URL (and _USER, _PASSWORD, _DATABASE); then set
                 FOOTFALL_STORAGE=clickhouse on every instance.

  Both keep the open bucket's salt, so visitors' hashes continue, and leave the source as it
  was. Safe to run again: days already copied are skipped. The directory defaults to
  FOOTFALL_DATA_DIR or .footfall.`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'migrate') return run(rest);
  // The command's first spelling, from when JSON to SQLite was the only migration.
  if (command === 'migrate-json') return run(['--to', 'sqlite', ...rest]);
  console.error(USAGE);
  return command === undefined || command === '--help' ? 0 : 2;
}

async function run(rest: string[]): Promise<number> {
  const to = rest.includes('--to') ? rest[rest.indexOf('--to') + 1] : undefined;
  if (!MIGRATION_TARGETS.includes(to as StorageEngine)) {
    console.error(`footfall: migrate needs --to ${MIGRATION_TARGETS.join(' or ')}${to ? ` (got ${to})` : ''}\n\n${USAGE}`);
    return 2;
  }
  const at = rest.indexOf('--data-dir');
  const dataDir = at >= 0 ? rest[at + 1] : undefined;
  if (at >= 0 && !dataDir) {
    console.error('footfall: --data-dir needs a directory');
    return 2;
  }
  const target = to as StorageEngine;
  const env = { ...process.env, FOOTFALL_STORAGE: target, ...(dataDir ? { FOOTFALL_DATA_DIR: dataDir } : {}) };
  const options = resolveOptions({}, env);
  const open = bucketAt(Date.now(), options.hashRotationHours, options.timezone);
  const report = await migrate(target, options, open.start, (line) => console.log(line));
  const where = target === 'clickhouse' ? `ClickHouse database ${options.clickhouse!.database}` : `the ${target} store in ${options.dataDir}`;
  console.log(
    `footfall: copied ${report.events} events (${report.copiedDays} day(s); ${report.skippedDays} day(s) already there) and ${report.salts} salt(s) from the ${report.source} store in ${options.dataDir} into ${where}.`,
  );
  const every = target === 'clickhouse' ? ' (and FOOTFALL_CLICKHOUSE_URL) on every instance' : '';
  console.log(`footfall: now set FOOTFALL_STORAGE=${target}${every} and restart. The ${report.source} files were left as they were; delete them once you are satisfied.`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(error.message);
    process.exit(1);
  },
);
