/**
 * Answers computed from a sealed bucket's raw events because no rollup holds them (a page goal's
 * visitors, a funnel's steps), kept where the engine can keep them (SQLite: a table beside the
 * rollups), so that each is computed once, not once per process start. Values are JSON.
 * An engine drops a bucket's kept answers whenever it unseals the bucket (retention, an import).
 */
export interface KeptAnswers {
  get(bucket: number, key: string): string | undefined;
  /** Keeps the answers of one question, in one write; a failed write only costs a later recompute. */
  put(entries: readonly KeptAnswer[]): void;
}

export type KeptAnswer = readonly [bucket: number, key: string, value: string];
