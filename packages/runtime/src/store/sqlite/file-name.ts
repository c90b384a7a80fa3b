/** The SQLite engine's database in FOOTFALL_DATA_DIR; here, apart from the engine, so naming it never loads node:sqlite. */
export const SQLITE_FILE = 'footfall.db';
