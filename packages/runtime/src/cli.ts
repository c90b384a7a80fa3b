#!/usr/bin/env node
// `footfall <command>`: maintenance commands for a Footfall data directory.
import { resolveOptions } from './options.ts';
import { migrateToClickHouse } from './store/migrate-clickhouse.ts';
import { migrateJsonToSqlite } from './store/migrate-json.ts';
import { bucketAt } from './visitor/buckets.ts';

const USAGE = `Usage: footfall migrate-json [--data-dir DIR]
       footfall migrate --to clickhouse [--data-dir DIR]

  migrate-json   copy a JSON data directory into SQLite (footfall.db in the same directory),
                 keeping the current salt so visitors' hashes continue; then set
                 FOOTFALL_STORAGE=sqlite. The directory defaults to FOOTFALL_DATA_DIR or .footfall.
  migrate --to clickhouse
                 copy a SQLite (or JSON) data directory's history into the ClickHouse named by
                 FOOTFALL_CLICKHOUSE_URL (and _USER, _PASSWORD, _DATABASE), with the open
                 bucket's salt; safe to run again (days already copied are skipped). Then set
                 FOOTFALL_STORAGE=clickhouse on every instance.`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'migrate') return migrate(rest);
  if (command !== 'migrate-json') {
    console.error(USAGE);
    return command === undefined || command === '--help' ? 0 : 2;
  }
  const at = rest.indexOf('--data-dir');
  const dataDir = at >= 0 ? rest[at + 1] : undefined;
  if (at >= 0 && !dataDir) {
    console.error('footfall: --data-dir needs a directory');
    return 2;
  }
  const options = resolveOptions(dataDir ? { dataDir } : {}, { ...process.env, ...(dataDir ? { FOOTFALL_DATA_DIR: dataDir } : {}) });
  const open = bucketAt(Date.now(), options.hashRotationHours, options.timezone);
  const report = await migrateJsonToSqlite(options.dataDir, open.start);
  console.log(`footfall: copied ${report.events} events from ${report.buckets} bucket file(s) and ${report.salts} salt(s) into ${report.file}.`);
  console.log('footfall: now set FOOTFALL_STORAGE=sqlite and restart. The JSON files were left as they were; delete them once you are satisfied.');
  return 0;
}

async function migrate(rest: string[]): Promise<number> {
  const to = rest.indexOf('--to');
  if (to < 0 || rest[to + 1] !== 'clickhouse') {
    console.error(`footfall: migrate needs --to clickhouse\n\n${USAGE}`);
    return 2;
  }
  const at = rest.indexOf('--data-dir');
  const dataDir = at >= 0 ? rest[at + 1] : undefined;
  if (at >= 0 && !dataDir) {
    console.error('footfall: --data-dir needs a directory');
    return 2;
  }
  const env = { ...process.env, FOOTFALL_STORAGE: 'clickhouse', ...(dataDir ? { FOOTFALL_DATA_DIR: dataDir } : {}) };
  const options = resolveOptions({}, env);
  const open = bucketAt(Date.now(), options.hashRotationHours, options.timezone);
  const report = await migrateToClickHouse(options.dataDir, options.clickhouse!, open.start, (line) => console.log(line));
  console.log(
    `footfall: copied ${report.events} events (${report.copiedDays} day(s); ${report.skippedDays} day(s) already there) from the ${report.source} store in ${options.dataDir} into ClickHouse database ${options.clickhouse!.database}.`,
  );
  console.log('footfall: now set FOOTFALL_STORAGE=clickhouse (and FOOTFALL_CLICKHOUSE_URL) on every instance and restart them. The local files were left as they were.');
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(error.message);
    process.exit(1);
  },
);
