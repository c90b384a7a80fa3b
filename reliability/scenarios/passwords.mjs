// Password guessing: one client sends wrong Bearer passwords to the stats API as fast as it can.
// Figures: how many guesses were actually checked (401) per minute, how many refused (429), and
// whether the owner still gets in (signed-in session cookie; another address through a trusted
// proxy). The server trusts 127.0.0.1 as a proxy, so X-Forwarded-For names other clients.
import autocannon from 'autocannon';
import { bearer, request } from '../lib/http.mjs';
import { PASSWORD, withServer } from '../lib/server.mjs';

const OWNER_ADDRESS = '203.0.113.5';

export async function passwords({ seconds = 10, connections = 4, log = () => {} } = {}) {
  return withServer('pw', { FOOTFALL_TRUSTED_PROXIES: '127.0.0.1' }, async (server) => {
    // The owner signs in first (from the guesser's own address, the hardest case).
    const login = await request(server.url, '/_analytics/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `password=${encodeURIComponent(PASSWORD)}`,
    });
    const cookie = [login.headers['set-cookie'] ?? []]
      .flat()
      .map((c) => c.split(';')[0])
      .find((c) => c.startsWith('footfall_owner='));

    let guess = 0;
    const result = await autocannon({
      url: `${server.url}/_analytics/api/summary`,
      connections,
      duration: seconds,
      requests: [{ setupRequest: (req) => ({ ...req, headers: { ...req.headers, ...bearer(`guess-${guess++}-${Math.random()}`) } }) }],
    });
    const statuses = Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([k, v]) => [k, v.count]));
    const summary = '/_analytics/api/summary';
    const withCookie = cookie ? (await request(server.url, summary, { headers: { cookie } })).status : 'no cookie issued';
    const rightFromGuesser = await request(server.url, summary, { headers: bearer(PASSWORD) });
    const rightFromOwner = (await request(server.url, summary, { headers: { ...bearer(PASSWORD), 'x-forwarded-for': OWNER_ADDRESS } })).status;
    const out = {
      seconds,
      connections,
      login: login.status,
      guesses: result.requests.total,
      statuses,
      checked_per_minute: Math.round(((statuses['401'] ?? 0) / seconds) * 60),
      refused_429: statuses['429'] ?? 0,
      session_cookie_after: withCookie,
      right_password_same_client: rightFromGuesser.status,
      retry_after_s: rightFromGuesser.headers['retry-after'] ? Number(rightFromGuesser.headers['retry-after']) : undefined,
      right_password_other_client: rightFromOwner,
      errors: result.errors,
    };
    log(`passwords: ${JSON.stringify(out)}`);
    return out;
  });
}

export function passwordsRow(r) {
  return {
    name: `password guessing, ${r.seconds} s, one client`,
    measured:
      `${r.guesses.toLocaleString('en')} wrong guesses: ${r.statuses['401'] ?? 0} checked (401; ${r.checked_per_minute}/min over the run), ${r.refused_429.toLocaleString('en')} refused unchecked (429); ` +
      `then: the owner's session cookie ${r.session_cookie_after}, the right password from the guesser's address ${r.right_password_same_client}` +
      `${r.retry_after_s !== undefined ? ` (Retry-After ${r.retry_after_s} s)` : ''}, from another address ${r.right_password_other_client}`,
    // Behaviour, not a rate limit: every guess is answered 401 or 429, and the owner gets in.
    ok: Object.keys(r.statuses).every((k) => k === '401' || k === '429') && r.session_cookie_after === 200 && r.right_password_other_client === 200,
  };
}
