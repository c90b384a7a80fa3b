import type { IncomingMessage, ServerResponse } from 'node:http';

export { footfallMiddleware } from '@footfall/runtime/node';

export type Next = (error?: unknown) => void;

/** A Connect/Express middleware; called without `next` it is a node:http listener that 404s other paths. */
export type NodeMiddleware = (req: IncomingMessage, res: ServerResponse, next?: Next) => void;
