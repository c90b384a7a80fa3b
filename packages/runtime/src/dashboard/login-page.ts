import { escapeHtml } from '../html/escape.ts';
import { documentHtml, LOGO } from './layout.ts';

/** The owner's sign-in form: one password field, posting to the login route (rate-limited there). */
export function loginPage(nonce: string, action: string, message?: string): string {
  const alert = message ? `<p class="alert" role="alert">${escapeHtml(message)}</p>` : '';
  return documentHtml({
    nonce,
    title: 'Sign in: site analytics',
    body: `<main class="center"><form class="login panel" method="post" action="${escapeHtml(action)}">`
      + `<p class="brand">${LOGO}Footfall</p><h1>Site analytics</h1>${alert}`
      + '<label for="password">Password</label>'
      + '<input id="password" name="password" type="password" autocomplete="current-password" required autofocus>'
      + '<button class="primary" type="submit">Sign in</button></form></main>',
  });
}

/** Production with no password and no public switch: say so, and how to fix it. */
export function lockedPage(nonce: string, message: string): string {
  return documentHtml({
    nonce,
    title: 'Dashboard locked: site analytics',
    body: `<main class="center"><div class="login panel notice"><p class="brand">${LOGO}Footfall</p>`
      + `<h1>Dashboard locked</h1><p>${escapeHtml(message)}</p></div></main>`,
  });
}
