// HTML escaping for every page Footfall renders (dashboard, privacy statement). Below every
// layer that renders, so views need nothing from the HTTP layer.

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Tracked strings are attacker input: everything shown in HTML goes through this. */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}
