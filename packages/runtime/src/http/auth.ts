import { createHmac, randomBytes } from 'node:crypto';
import type { ResolvedOptions } from '../options.ts';
import { safeEqual } from '../visitor/client-ip.ts';

export const SESSION_COOKIE = 'footfall_owner';
const SESSION_SECONDS = 30 * 24 * 3600;

export type Access = { ok: true } | { ok: false; reason: 'login' | 'no-password' };

/**
 * Who may read the stats. `astro dev` / `vite dev` are open; otherwise a password is required
 * (as `Authorization: Bearer` for the API, or the owner's session cookie after the login form)
 * unless the owner made the dashboard public. Production with no password refuses.
 */
export function checkAccess(request: Request, options: ResolvedOptions, dev: boolean, now: number): Access {
  if (dev) return { ok: true };
  if (!options.password) return options.publicDashboard ? { ok: true } : { ok: false, reason: 'no-password' };
  const auth = request.headers.get('authorization') ?? '';
  if (auth.startsWith('Bearer ') && safeEqual(auth.slice(7), options.password)) return { ok: true };
  const token = readCookie(request.headers.get('cookie'), SESSION_COOKIE);
  return token && verifySession(token, options.password, now) ? { ok: true } : { ok: false, reason: 'login' };
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

export function verifySession(token: string, password: string, now: number): boolean {
  const parts = token.split('.');
  if (parts.length !== 3) return false;
  const payload = `${parts[0]}.${parts[1]}`;
  const expected = createHmac('sha256', sessionKey(password)).update(payload).digest('base64url');
  return safeEqual(parts[2]!, expected) && Number(parts[0]) * 1000 > now;
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

/**
 * Failed logins per client, to slow down password guessing. Keyed by an HMAC of the IP under a
 * key that lives only in this process, so not even this in-memory table holds a raw IP.
 */
export class LoginThrottle {
  #key = randomBytes(32);
  #failures = new Map<string, { count: number; until: number }>();

  constructor(readonly maxFailures = 5, readonly windowMs = 15 * 60_000) {}

  #id(ip: string): string {
    return createHmac('sha256', this.#key).update(ip).digest('base64url');
  }

  blockedFor(ip: string, now: number): number {
    const entry = this.#failures.get(this.#id(ip));
    if (!entry || entry.until <= now) return 0;
    return entry.count >= this.maxFailures ? entry.until - now : 0;
  }

  fail(ip: string, now: number): void {
    const id = this.#id(ip);
    const entry = this.#failures.get(id);
    if (!entry || entry.until <= now) this.#failures.set(id, { count: 1, until: now + this.windowMs });
    else entry.count++;
    if (this.#failures.size > 10_000) for (const [k, v] of this.#failures) if (v.until <= now) this.#failures.delete(k);
  }

  succeed(ip: string): void {
    this.#failures.delete(this.#id(ip));
  }
}
