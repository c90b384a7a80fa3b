import type { RollupRow } from '../../stats/rollup.ts';
import type { JsonShape } from './durable-file.ts';
import { KINDS, type VisitAttributes } from '../../model/events.ts';

export interface MainData {
  version: 1;
  salts: Record<string, string>;
}
export type VisitTuple = [key: number, session: string, visitor: string, attributes: VisitAttributes];
/** Scroll depth, last, only where an engagement report carried one (files written before it have seven). */
export type EventTuple = [
  ts: number,
  visit: number,
  kind: number,
  path: string,
  name: string | null,
  props: Record<string, string> | null,
  engaged: number | null,
  scroll?: number,
];
export interface SegmentData {
  bucket: number;
  visits: VisitTuple[];
  events: EventTuple[];
}
export interface RollupData {
  bucket: number;
  first: number;
  end: number;
  rows: RollupRow[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The checks are structural and cheap (one pass, no deep validation of attributes or props):
 * enough to tell a file the engine wrote from `null`, a truncated copy or a different file.
 */
export const MAIN_SHAPE: JsonShape<MainData> = {
  problem(data) {
    if (!isObject(data)) return `holds ${JSON.stringify(data)?.slice(0, 20)}, not an object with salts`;
    if (data.version !== 1) return `unknown version ${JSON.stringify(data.version)}`;
    if (!isObject(data.salts)) return 'no "salts" object';
    for (const [bucket, salt] of Object.entries(data.salts)) {
      if (!/^-?\d+$/.test(bucket) || typeof salt !== 'string') return `salt ${JSON.stringify(bucket)} is malformed`;
    }
    return undefined;
  },
  ifMovedAway: 'loses the salts: visitor hashes of the open rotation bucket change, so its visitors count twice',
};

export function segmentShape(bucket: number): JsonShape<SegmentData> {
  return {
    problem(data) {
      if (!isObject(data)) return `holds ${JSON.stringify(data)?.slice(0, 20)}, not a bucket's events`;
      if (data.bucket !== bucket) return `holds bucket ${JSON.stringify(data.bucket)}, not ${bucket}`;
      if (!Array.isArray(data.visits) || !Array.isArray(data.events)) return 'no "visits" or "events" array';
      const keys = new Set<number>();
      for (const [i, v] of data.visits.entries()) {
        if (!Array.isArray(v) || typeof v[0] !== 'number' || typeof v[1] !== 'string' || typeof v[2] !== 'string' || !isObject(v[3])) return `visit ${i} is malformed`;
        keys.add(v[0]);
      }
      for (const [i, e] of data.events.entries()) {
        if (!Array.isArray(e) || typeof e[0] !== 'number' || !keys.has(e[1]) || KINDS[e[2]] === undefined || typeof e[3] !== 'string')
          return `event ${i} is malformed or names no visit`;
      }
      return undefined;
    },
    ifMovedAway: "loses that rotation bucket's events",
  };
}

export function rollupShape(bucket: number): JsonShape<RollupData> {
  return {
    problem(data) {
      if (!isObject(data) || data.bucket !== bucket || typeof data.first !== 'number' || typeof data.end !== 'number' || !Array.isArray(data.rows)) {
        return `not the rollup of bucket ${bucket}`;
      }
      return undefined;
    },
    ifMovedAway: `is safe: the next maintenance run rebuilds it from events/${bucket}.json`,
  };
}
