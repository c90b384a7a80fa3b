import { readLimitedBody } from './body.ts';
import { collect, STORED, type CollectorDeps, type CollectResult } from './collector.ts';

/** The collector for a Web request (every host but node:http's): read under the cap, collect, answer. */
export async function collectRequest(request: Request, info: { clientAddress?: string | undefined }, deps: CollectorDeps, bodyTimeoutMs: number): Promise<Response> {
  const body = await readLimitedBody(request, undefined, bodyTimeoutMs);
  return toResponse(await collect({ headers: request.headers, body, clientAddress: info.clientAddress }, deps));
}

/** What a stored event is answered with; each answer is a clone (half the cost of a new one). */
const STORED_RESPONSE = response(STORED);

function toResponse(result: CollectResult): Response {
  return result === STORED ? STORED_RESPONSE.clone() : response(result);
}

function response(result: CollectResult): Response {
  return new Response(result.body ?? null, { status: result.status, headers: result.headers });
}
