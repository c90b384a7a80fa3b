import { escapeHtml } from '../http/responses.ts';

const STYLE = 'body{font:16px/1.5 system-ui,sans-serif;display:grid;place-items:center;min-height:100vh;margin:0;color:#1f2328;background:#f6f8fa}@media(prefers-color-scheme:dark){body{color:#e6edf3;background:#0d1117}}form{display:grid;gap:.75rem;min-width:18rem}input,button{font:inherit;padding:.5rem .75rem}';

export function loginPage(action: string, message?: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>Footfall: sign in</title><style>${STYLE}</style></head>
<body><main><form method="post" action="${escapeHtml(action)}"><h1>Site analytics</h1>${message ? `<p role="alert">${escapeHtml(message)}</p>` : ''}
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required autofocus>
<button type="submit">Sign in</button></form></main></body></html>`;
}

export function lockedPage(message: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>Footfall: dashboard locked</title><style>${STYLE}</style></head>
<body><main><h1>Dashboard locked</h1><p>${escapeHtml(message)}</p></main></body></html>`;
}
