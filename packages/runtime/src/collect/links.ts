/** File types whose links count as downloads. */
const DOWNLOAD =
  /\.(pdf|zip|gz|tgz|bz2|xz|7z|rar|dmg|exe|msi|pkg|deb|rpm|apk|appimage|iso|img|docx?|xlsx?|pptx?|odt|ods|odp|csv|txt|rtf|epub|mobi|mp3|mp4|m4a|mov|avi|mkv|webm|wav|flac|ogg|key|numbers|pages|sketch|fig|psd|ai|svg|ics|vcf)$/i;

export type LinkKind = 'File Download' | 'Outbound Link: Click';

/**
 * What a clicked link was, decided here rather than in the tracker so the tracker stays tiny and
 * the owner's switches apply without a rebuild. A download wins over outbound (a PDF on a CDN).
 */
export function classifyLink(link: URL, page: URL): LinkKind | undefined {
  if (DOWNLOAD.test(link.pathname)) return 'File Download';
  if (link.host !== page.host) return 'Outbound Link: Click';
  return undefined;
}

/** The link as stored: no query string or fragment (signed download links carry tokens). */
export function linkUrl(link: URL): string {
  return `${link.origin}${link.pathname}`;
}
