#!/usr/bin/env node
// `footfall <command>`: maintenance commands for a Footfall data directory.
import { resolveOptions } from './options.ts';
import { migrateJsonToSqlite } from './store/migrate-json.ts';
import { bucketAt } from './visitor/buckets.ts';

const USAGE = `Usage: footfall migrate-json [--data-dir DIR]

  migrate-json   copy a JSON data directory into SQLite (footfall.db in the same directory),
                 keeping the current salt so visitors' hashes continue; then set
                 FOOTFALL_STORAGE=sqlite. The directory defaults to FOOTFALL_DATA_DIR or .footfall.`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
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

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(error.message);
    process.exit(1);
  },
);
