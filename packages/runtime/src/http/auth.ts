import { createHmac, randomBytes } from 'node:crypto';
import type { ResolvedOptions } from '../options.ts';
import { safeEqual } from '../net/safe-equal.ts';
import type { PasswordThrottle } from './password-throttle.ts';
import type { RevokedSessions } from './revoked-sessions.ts';

export const SESSION_COOKIE = 'footfall_owner';
const SESSION_SECONDS = 30 * 24 * 3600;

export type Access = { ok: true } | { ok: false; reason: 'login' | 'no-password' } | { ok: false; reason: 'throttled'; retryAfterMs: number };

export interface AuthContext {
  readonly options: ResolvedOptions;
  readonly dev: boolean;
  readonly throttle: PasswordThrottle;
  readonly revoked: RevokedSessions;
}

/**
 * Who may read the stats. `astro dev` / `vite dev` are open; otherwise a password is required
 * (as `Authorization: Bearer` for the API, or the owner's session cookie after the login form)
 * unless the owner made the dashboard public. Production with no password refuses.
 *
 * A valid session is honoured first, so a signed-in owner is never throttled; a Bearer password
 * goes through the same per-client throttle as the login form (`client` is its key).
 */
export function checkAccess(request: Request, client: string, ctx: AuthContext, now: number): Access {
  const { options } = ctx;
  if (ctx.dev) return { ok: true };
  if (!options.password) return options.publicDashboard ? { ok: true } : { ok: false, reason: 'no-password' };
  if (sessionOf(request, options.password, ctx.revoked, now)) return { ok: true };
  const auth = request.headers.get('authorization') ?? '';
  if (!auth.startsWith('Bearer ')) return { ok: false, reason: 'login' };
  const wait = ctx.throttle.blockedFor(client, now);
  if (wait > 0) return { ok: false, reason: 'throttled', retryAfterMs: wait };
  if (!safeEqual(auth.slice(7), options.password)) {
    ctx.throttle.fail(client, now);
    return { ok: false, reason: 'login' };
  }
  ctx.throttle.succeed(client);
  return { ok: true };
}

/** The request's owner session if it is valid and not signed out: its id and expiry (ms). */
export function sessionOf(request: Request, password: string, revoked: RevokedSessions, now: number): { id: string; expires: number } | undefined {
  const token = readCookie(request.headers.get('cookie'), SESSION_COOKIE);
  const session = token ? verifySession(token, password, now) : undefined;
  return session && !revoked.has(session.id, now) ? session : undefined;
}

export const NO_PASSWORD_MESSAGE =
  'The Footfall dashboard is locked because no password is set. Set FOOTFALL_PASSWORD (or footfall({ password })) ' +
  'on the server and restart, or set FOOTFALL_PUBLIC_DASHBOARD=true to make the statistics public.';

/** The key signing owner sessions is derived from the password: changing it logs everyone out. */
function sessionKey(password: string): Buffer {
  return createHmac('sha256', password).update('footfall owner session v1').digest();
}

export function issueSession(password: string, now: number): string {
  const expires = Math.floor(now / 1000) + SESSION_SECONDS;
  const nonce = randomBytes(9).toString('base64url');
  const payload = `${expires}.${nonce}`;
  return `${payload}.${createHmac('sha256', sessionKey(password)).update(payload).digest('base64url')}`;
}

/** A correctly signed, unexpired token's id (`<expiry>.<nonce>`) and expiry; revocation is checked by the caller. */
export function verifySession(token: string, password: string, now: number): { id: string; expires: number } | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const id = `${parts[0]}.${parts[1]}`;
  const expected = createHmac('sha256', sessionKey(password)).update(id).digest('base64url');
  const expires = Number(parts[0]) * 1000;
  return safeEqual(parts[2]!, expected) && expires > now ? { id, expires } : undefined;
}

export function sessionCookie(value: string, path: string, secure: boolean, maxAge = SESSION_SECONDS): string {
  return `${SESSION_COOKIE}=${value}; Path=${path}; Max-Age=${maxAge}; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
}

function readCookie(header: string | null, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
}
