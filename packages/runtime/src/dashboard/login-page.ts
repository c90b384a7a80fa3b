import { html, type SafeHtml } from '../html/template.ts';
import { documentHtml, LOGO } from './layout.ts';

/** The owner's sign-in form: one password field, posting to the login route (rate-limited there). */
export function loginPage(nonce: string, action: string, message?: string): SafeHtml {
  const alert = message && html`<p class="alert" role="alert">${message}</p>`;
  const field = html`<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required autofocus>`;
  return documentHtml({
    nonce,
    title: 'Sign in: site analytics',
    body: html`<main class="center"><form class="login panel" method="post" action="${action}"><p class="brand">${LOGO}Footfall</p><h1>Site analytics</h1>${alert}${field}<button class="primary" type="submit">Sign in</button></form></main>`,
  });
}

/** Production with no password and no public switch: say so, and how to fix it. */
export function lockedPage(nonce: string, message: string): SafeHtml {
  return documentHtml({
    nonce,
    title: 'Dashboard locked: site analytics',
    body: html`<main class="center"><div class="login panel notice"><p class="brand">${LOGO}Footfall</p><h1>Dashboard locked</h1><p>${message}</p></div></main>`,
  });
}
