import { describe, expect, it } from 'vitest';
import { classifyReferrer, findSource } from './referrer.ts';

const PAGE = 'example.com';

describe('classifyReferrer', () => {
  it.each([
    ['https://www.google.com/search?q=secret', { referrer: 'google.com', source: 'Google' }],
    ['https://www.google.co.uk/', { referrer: 'google.co.uk', source: 'Google' }],
    ['https://www.google.de/url?sa=t&url=https://example.com', { referrer: 'google.de', source: 'Google' }],
    ['https://www.google.com.au/', { referrer: 'google.com.au', source: 'Google' }],
    ['https://www.bing.com/search?q=x', { referrer: 'bing.com', source: 'Bing' }],
    ['https://cn.bing.com/', { referrer: 'cn.bing.com', source: 'Bing' }],
    ['https://duckduckgo.com/', { referrer: 'duckduckgo.com', source: 'DuckDuckGo' }],
    ['https://search.yahoo.co.jp/search?p=x', { referrer: 'search.yahoo.co.jp', source: 'Yahoo!' }],
    ['https://yandex.ru/search/?text=x', { referrer: 'yandex.ru', source: 'Yandex' }],
    ['https://www.baidu.com/link?url=x', { referrer: 'baidu.com', source: 'Baidu' }],
    ['https://www.ecosia.org/search?q=x', { referrer: 'ecosia.org', source: 'Ecosia' }],
    ['https://search.brave.com/search?q=x', { referrer: 'search.brave.com', source: 'Brave Search' }],
    ['https://www.startpage.com/', { referrer: 'startpage.com', source: 'Startpage' }],
    ['https://www.qwant.com/?q=x', { referrer: 'qwant.com', source: 'Qwant' }],
    ['https://m.search.naver.com/search.naver?query=x', { referrer: 'm.search.naver.com', source: 'Naver' }],
    ['https://search.seznam.cz/?q=x', { referrer: 'search.seznam.cz', source: 'Seznam' }],
    ['https://kagi.com/search?q=x', { referrer: 'kagi.com', source: 'Kagi' }],
    ['https://www.perplexity.ai/search/abc-123', { referrer: 'perplexity.ai', source: 'Perplexity' }],
    ['https://chatgpt.com/c/abc-123', { referrer: 'chatgpt.com', source: 'ChatGPT' }],
    ['https://chat.openai.com/', { referrer: 'chat.openai.com', source: 'ChatGPT' }],
    ['https://gemini.google.com/app/123', { referrer: 'gemini.google.com', source: 'Gemini' }],
    ['https://mail.google.com/mail/u/0/', { referrer: 'mail.google.com', source: 'Gmail' }],
    ['https://news.google.com/articles/abc', { referrer: 'news.google.com', source: 'Google News' }],
  ])('search, AI and mail keep only the host: %s', (referrer, expected) => {
    expect(classifyReferrer(referrer, PAGE)).toEqual(expected);
  });

  it.each([
    ['https://m.facebook.com/', { referrer: 'm.facebook.com', source: 'Facebook' }],
    ['https://l.facebook.com/l.php?u=https%3A%2F%2Fexample.com', { referrer: 'l.facebook.com/l.php', source: 'Facebook' }],
    ['https://l.instagram.com/?u=x', { referrer: 'l.instagram.com', source: 'Instagram' }],
    ['https://t.co/AbC123', { referrer: 't.co/AbC123', source: 'X' }],
    ['https://twitter.com/', { referrer: 'twitter.com', source: 'X' }],
    ['https://x.com/someone/status/1', { referrer: 'x.com/someone/status/1', source: 'X' }],
    ['https://www.linkedin.com/feed/', { referrer: 'linkedin.com/feed', source: 'LinkedIn' }],
    ['https://lnkd.in/abc', { referrer: 'lnkd.in/abc', source: 'LinkedIn' }],
    ['https://out.reddit.com/t3_abc?url=x&token=y', { referrer: 'out.reddit.com/t3_abc', source: 'Reddit' }],
    ['https://old.reddit.com/r/programming/', { referrer: 'old.reddit.com/r/programming', source: 'Reddit' }],
    ['https://www.youtube.com/', { referrer: 'youtube.com', source: 'YouTube' }],
    ['https://www.pinterest.co.uk/', { referrer: 'pinterest.co.uk', source: 'Pinterest' }],
    ['https://www.tiktok.com/', { referrer: 'tiktok.com', source: 'TikTok' }],
    ['https://news.ycombinator.com/item?id=1', { referrer: 'news.ycombinator.com/item', source: 'Hacker News' }],
    ['https://github.com/footfall/footfall#readme', { referrer: 'github.com/footfall/footfall', source: 'GitHub' }],
    ['https://mastodon.social/@someone', { referrer: 'mastodon.social/@someone', source: 'Mastodon' }],
    ['https://bsky.app/', { referrer: 'bsky.app', source: 'Bluesky' }],
    ['https://www.threads.net/', { referrer: 'threads.net', source: 'Threads' }],
    ['https://stackoverflow.com/questions/1', { referrer: 'stackoverflow.com/questions/1', source: 'Stack Overflow' }],
    ['https://en.m.wikipedia.org/wiki/Web_analytics', { referrer: 'en.m.wikipedia.org/wiki/Web_analytics', source: 'Wikipedia' }],
  ])('social and community sites keep the path: %s', (referrer, expected) => {
    expect(classifyReferrer(referrer, PAGE)).toEqual(expected);
  });

  it('names other sites by their hostname and never keeps query or fragment', () => {
    expect(classifyReferrer('https://www.blog.example.org/posts/hello/?email=a@b.c#top', PAGE)).toEqual({
      referrer: 'blog.example.org/posts/hello',
      source: 'blog.example.org',
    });
    expect(classifyReferrer('http://user:pass@Other.Site:8080/', PAGE)).toEqual({
      referrer: 'other.site',
      source: 'other.site',
    });
  });

  it('does not mistake lookalikes for known sources', () => {
    expect(classifyReferrer('https://google.evil.com/', PAGE).source).toBe('google.evil.com');
    expect(classifyReferrer('https://notgoogle.com/', PAGE).source).toBe('notgoogle.com');
    expect(classifyReferrer('https://myreddit.com/', PAGE).source).toBe('myreddit.com');
  });

  it('caps the stored referrer length', () => {
    const long = `https://blog.example.org/${'a'.repeat(1000)}`;
    expect(classifyReferrer(long, PAGE).referrer).toHaveLength(255);
  });

  it.each([
    ['https://example.com/other-page', 'example.com'],
    ['https://www.example.com/', 'example.com'],
    ['https://example.com/', 'www.example.com'],
    ['https://EXAMPLE.com./x', 'Example.COM'],
    ['http://localhost:4321/', 'localhost:4321'],
  ])('treats %s on %s as a self-referral', (referrer, page) => {
    expect(classifyReferrer(referrer, page)).toEqual({});
  });

  it('keeps a subdomain of the site as a referrer', () => {
    expect(classifyReferrer('https://docs.example.com/', PAGE)).toEqual({
      referrer: 'docs.example.com',
      source: 'docs.example.com',
    });
  });

  it.each([undefined, '', '   ', 'not a url', '//nohost', 'about:blank', 'chrome://newtab/', 'file:///C:/x.html', 'javascript:alert(1)', 'data:text/html,x'])(
    'counts %j as direct',
    (referrer) => {
      expect(classifyReferrer(referrer, PAGE)).toEqual({});
    },
  );

  it('names Android apps', () => {
    expect(classifyReferrer('android-app://com.google.android.gm', PAGE)).toEqual({
      referrer: 'android-app://com.google.android.gm',
      source: 'Gmail',
    });
    expect(classifyReferrer('android-app://com.google.android.googlequicksearchbox/https/www.google.com', PAGE)).toEqual({
      referrer: 'android-app://com.google.android.googlequicksearchbox',
      source: 'Google',
    });
    expect(classifyReferrer('android-app://org.example.reader/', PAGE)).toEqual({
      referrer: 'android-app://org.example.reader',
      source: 'org.example.reader',
    });
  });

  describe('utm_source', () => {
    it('wins as source and keeps the referrer', () => {
      expect(classifyReferrer('https://www.google.com/', PAGE, 'newsletter')).toEqual({
        referrer: 'google.com',
        source: 'newsletter',
      });
    });

    it('names the source of a direct or self-referred visit', () => {
      expect(classifyReferrer(undefined, PAGE, ' spring-mail ')).toEqual({ source: 'spring-mail' });
      expect(classifyReferrer('https://example.com/a', PAGE, 'qr')).toEqual({ source: 'qr' });
    });

    it('is ignored when blank', () => {
      expect(classifyReferrer('https://bing.com/', PAGE, '   ')).toEqual({ referrer: 'bing.com', source: 'Bing' });
      expect(classifyReferrer(undefined, PAGE, '')).toEqual({});
    });

    it('is trimmed, stripped of control characters and capped at 100 characters', () => {
      expect(classifyReferrer(undefined, PAGE, 'a\u0000b\nc')).toEqual({ source: 'abc' });
      expect(classifyReferrer(undefined, PAGE, 'x'.repeat(500)).source).toHaveLength(100);
      const emoji = classifyReferrer(undefined, PAGE, '😀'.repeat(150)).source!;
      expect(emoji).toBe('😀'.repeat(100));
    });
  });
});

describe('findSource', () => {
  it('prefers the longest suffix', () => {
    expect(findSource('mail.google.com')?.name).toBe('Gmail');
    expect(findSource('www.google.com')?.name).toBe('Google');
    expect(findSource('mail.yahoo.co.jp')?.name).toBe('Yahoo! Mail');
    expect(findSource('example.org')).toBeUndefined();
    expect(findSource('')).toBeUndefined();
  });
});
