/** A site whose visitors are grouped under one friendly source name. */
export interface KnownSource {
  name: string;
  /**
   * Hostname suffixes: `reddit.com` also matches `old.reddit.com`. `google.*` matches the brand
   * under any top-level domain, including two-part ones (`google.de`, `google.co.uk`).
   */
  domains: readonly string[];
  /**
   * Store only the hostname as referrer. Search and AI result paths are noise; mail, chat and
   * document paths can identify a mailbox, a conversation or a private document.
   */
  hostOnly?: boolean;
}

// Order does not matter: the longest matching hostname suffix wins (mail.google.com is Gmail).
export const KNOWN_SOURCES: readonly KnownSource[] = [
  // Search engines
  { name: 'Google', domains: ['google.*'], hostOnly: true },
  { name: 'Bing', domains: ['bing.com'], hostOnly: true },
  { name: 'DuckDuckGo', domains: ['duckduckgo.com'], hostOnly: true },
  { name: 'Yahoo!', domains: ['yahoo.*'], hostOnly: true },
  { name: 'Yandex', domains: ['yandex.*', 'ya.ru'], hostOnly: true },
  { name: 'Baidu', domains: ['baidu.com'], hostOnly: true },
  { name: 'Ecosia', domains: ['ecosia.org'], hostOnly: true },
  { name: 'Brave Search', domains: ['search.brave.com'], hostOnly: true },
  { name: 'Startpage', domains: ['startpage.*'], hostOnly: true },
  { name: 'Qwant', domains: ['qwant.com'], hostOnly: true },
  { name: 'Naver', domains: ['naver.com'], hostOnly: true },
  { name: 'Seznam', domains: ['seznam.cz'], hostOnly: true },
  { name: 'Kagi', domains: ['kagi.com'], hostOnly: true },
  { name: 'Sogou', domains: ['sogou.com'], hostOnly: true },
  { name: '360 Search', domains: ['so.com'], hostOnly: true },
  { name: 'Daum', domains: ['daum.net'], hostOnly: true },
  { name: 'Ask', domains: ['ask.com'], hostOnly: true },
  { name: 'AOL', domains: ['aol.*'], hostOnly: true },
  { name: 'Mojeek', domains: ['mojeek.com'], hostOnly: true },
  { name: 'Swisscows', domains: ['swisscows.com'], hostOnly: true },
  { name: 'Presearch', domains: ['presearch.com'], hostOnly: true },
  { name: 'MetaGer', domains: ['metager.org', 'metager.de'], hostOnly: true },
  { name: 'Yep', domains: ['yep.com'], hostOnly: true },
  { name: 'Petal Search', domains: ['petalsearch.com'], hostOnly: true },
  { name: 'Google News', domains: ['news.google.*'], hostOnly: true },
  // AI assistants
  { name: 'ChatGPT', domains: ['chatgpt.com', 'chat.openai.com'], hostOnly: true },
  { name: 'Perplexity', domains: ['perplexity.ai'], hostOnly: true },
  { name: 'Claude', domains: ['claude.ai'], hostOnly: true },
  { name: 'Gemini', domains: ['gemini.google.com', 'bard.google.com'], hostOnly: true },
  { name: 'Copilot', domains: ['copilot.microsoft.com'], hostOnly: true },
  { name: 'Mistral', domains: ['chat.mistral.ai'], hostOnly: true },
  { name: 'DeepSeek', domains: ['chat.deepseek.com'], hostOnly: true },
  { name: 'Grok', domains: ['grok.com'], hostOnly: true },
  { name: 'Meta AI', domains: ['meta.ai'], hostOnly: true },
  { name: 'Phind', domains: ['phind.com'], hostOnly: true },
  { name: 'You.com', domains: ['you.com'], hostOnly: true },
  // Mail, chat and documents
  { name: 'Gmail', domains: ['mail.google.com'], hostOnly: true },
  { name: 'Outlook', domains: ['outlook.live.com', 'outlook.office.com', 'outlook.office365.com'], hostOnly: true },
  { name: 'Yahoo! Mail', domains: ['mail.yahoo.*'], hostOnly: true },
  { name: 'Proton Mail', domains: ['mail.proton.me', 'mail.protonmail.com'], hostOnly: true },
  { name: 'Fastmail', domains: ['fastmail.com'], hostOnly: true },
  { name: 'iCloud', domains: ['icloud.com'], hostOnly: true },
  { name: 'Google Docs', domains: ['docs.google.com', 'drive.google.com'], hostOnly: true },
  { name: 'Notion', domains: ['notion.so', 'notion.site'], hostOnly: true },
  { name: 'Slack', domains: ['slack.com'], hostOnly: true },
  { name: 'Microsoft Teams', domains: ['teams.microsoft.com', 'teams.live.com'], hostOnly: true },
  { name: 'Discord', domains: ['discord.com', 'discord.gg', 'discordapp.com'], hostOnly: true },
  { name: 'Telegram', domains: ['t.me', 'telegram.org'], hostOnly: true },
  { name: 'WhatsApp', domains: ['whatsapp.com', 'wa.me'], hostOnly: true },
  { name: 'Messenger', domains: ['messenger.com'], hostOnly: true },
  // Social networks and communities
  { name: 'Facebook', domains: ['facebook.com', 'fb.com', 'fb.me', 'fb.watch'] },
  { name: 'Instagram', domains: ['instagram.com'] },
  { name: 'X', domains: ['x.com', 'twitter.com', 't.co'] },
  { name: 'LinkedIn', domains: ['linkedin.com', 'lnkd.in'] },
  { name: 'Reddit', domains: ['reddit.com', 'redd.it'] },
  { name: 'YouTube', domains: ['youtube.com', 'youtu.be'] },
  { name: 'Pinterest', domains: ['pinterest.*', 'pin.it'] },
  { name: 'TikTok', domains: ['tiktok.com'] },
  { name: 'Hacker News', domains: ['news.ycombinator.com'] },
  { name: 'GitHub', domains: ['github.com'] },
  { name: 'GitLab', domains: ['gitlab.com'] },
  {
    name: 'Mastodon',
    domains: [
      'mastodon.social', 'mastodon.online', 'mastodon.world', 'mastodon.cloud', 'mstdn.social',
      'mas.to', 'fosstodon.org', 'hachyderm.io', 'infosec.exchange', 'techhub.social',
      'mastodon.art', 'social.vivaldi.net', 'toot.community',
    ],
  },
  { name: 'Bluesky', domains: ['bsky.app'] },
  { name: 'Threads', domains: ['threads.net', 'threads.com'] },
  { name: 'Lemmy', domains: ['lemmy.world', 'lemmy.ml'] },
  { name: 'Stack Overflow', domains: ['stackoverflow.com'] },
  { name: 'Stack Exchange', domains: ['stackexchange.com'] },
  { name: 'Wikipedia', domains: ['wikipedia.org'] },
  { name: 'Quora', domains: ['quora.com'] },
  { name: 'Medium', domains: ['medium.com'] },
  { name: 'Substack', domains: ['substack.com'] },
  { name: 'Tumblr', domains: ['tumblr.com'] },
  { name: 'Lobsters', domains: ['lobste.rs'] },
  { name: 'DEV', domains: ['dev.to'] },
  { name: 'Product Hunt', domains: ['producthunt.com'] },
  { name: 'Indie Hackers', domains: ['indiehackers.com'] },
  { name: 'Twitch', domains: ['twitch.tv'] },
  { name: 'Snapchat', domains: ['snapchat.com'] },
  { name: 'VK', domains: ['vk.com'] },
  { name: 'Odnoklassniki', domains: ['ok.ru'] },
  { name: 'Weibo', domains: ['weibo.com'] },
  { name: 'Xing', domains: ['xing.com'] },
];

// Android reports an app that opened a link as `android-app://<package>`.
export const ANDROID_APPS: Readonly<Record<string, string>> = {
  'com.google.android.gm': 'Gmail',
  'com.google.android.googlequicksearchbox': 'Google',
  'com.google.android.apps.searchlite': 'Google',
  'com.google.android.youtube': 'YouTube',
  'com.google.android.apps.docs': 'Google Docs',
  'com.facebook.katana': 'Facebook',
  'com.facebook.lite': 'Facebook',
  'com.facebook.orca': 'Messenger',
  'com.instagram.android': 'Instagram',
  'com.twitter.android': 'X',
  'com.linkedin.android': 'LinkedIn',
  'com.reddit.frontpage': 'Reddit',
  'com.pinterest': 'Pinterest',
  'com.zhiliaoapp.musically': 'TikTok',
  'com.whatsapp': 'WhatsApp',
  'org.telegram.messenger': 'Telegram',
  'com.slack': 'Slack',
  'com.discord': 'Discord',
  'com.microsoft.office.outlook': 'Outlook',
  'com.microsoft.teams': 'Microsoft Teams',
  'xyz.blueskyweb.app': 'Bluesky',
  'org.joinmastodon.android': 'Mastodon',
};
