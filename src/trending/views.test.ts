import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDialectContext, DIALECTS } from '../../test/dialects.js';
import type { TempContext } from '../../test/support/temp-context.js';
import { addPapers } from '../../test/support/trending-papers.js';
import { isBot } from './bots.js';
import { trendingDb } from './trending-tables.js';
import { recordPageView, recordView, visitorHash, visitorKey } from './views.js';

const SECRET = 'a-test-secret-of-at-least-thirty-two-characters';
const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1';

describe('isBot', () => {
  it.each([
    'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
    'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)',
    'Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://openai.com/gptbot)',
    'Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)',
    'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)',
    'curl/8.5.0',
    'Wget/1.21.4',
    'python-requests/2.32.3',
    'Go-http-client/1.1',
    'node-fetch/1.0 (+https://github.com/bitinn/node-fetch)',
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36',
    'Mozilla/5.0+(compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)',
    'Pingdom.com_bot_version_1.4_(http://www.pingdom.com/)',
    'ELB-HealthChecker/2.0',
    'kube-probe/1.31',
    'GoogleHC/1.0',
    'Blackbox Exporter/0.25.0',
    'Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)',
    '',
    undefined,
  ])('%s is a bot', (ua) => expect(isBot(ua)).toBe(true));

  it.each([
    CHROME,
    IPHONE,
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:133.0) Gecko/20100101 Firefox/133.0',
    'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0',
    'Mozilla/5.0 (Linux; Android 13; CUBOT_X70) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36',
  ])('%s is a person', (ua) => expect(isBot(ua)).toBe(false));
});

describe.each(DIALECTS)('views on $name', (dialect) => {
  let ctx: TempContext;
  let seq: number;
  beforeEach(async () => {
    ctx = await createDialectContext(dialect);
    seq = (await addPapers(ctx.database.db, [{ id: '2611.00003' }]))[0]!;
  });
  afterEach(async () => ctx.dispose());

  const rows = () => trendingDb(ctx.database.db).selectFrom('paper_views').selectAll().orderBy('day').execute();
  const morning = new Date('2026-11-28T08:00:00Z');
  const evening = new Date('2026-11-28T23:59:00Z');
  const nextDay = new Date('2026-11-29T00:01:00Z');

  it('counts a visitor once per paper per UTC day', async () => {
    const db = ctx.database.db;
    const alice = visitorKey('203.0.113.7', CHROME);
    expect(await recordView(db, seq, alice, morning, SECRET)).toBe(true);
    expect(await recordView(db, seq, alice, evening, SECRET)).toBe(false);
    expect(await recordView(db, seq, visitorKey('203.0.113.7', IPHONE), evening, SECRET)).toBe(true); // another device
    expect(await recordView(db, seq, visitorKey('198.51.100.2', CHROME), evening, SECRET)).toBe(true);
    expect(await recordView(db, seq, alice, nextDay, SECRET)).toBe(true);
    expect((await rows()).map((r) => r.day)).toEqual(['2026-11-28', '2026-11-28', '2026-11-28', '2026-11-29']);
  });

  it('stores neither IP nor User-Agent, and a visitor\'s hash changes every day', async () => {
    const key = visitorKey('203.0.113.7', CHROME);
    await recordView(ctx.database.db, seq, key, morning, SECRET);
    const stored = JSON.stringify(await rows());
    expect(stored).not.toContain('203.0.113.7');
    expect(stored).not.toContain('Chrome');
    expect(visitorHash(SECRET, '2026-11-28', key)).not.toBe(visitorHash(SECRET, '2026-11-29', key));
    expect(visitorHash(SECRET, '2026-11-28', key)).not.toBe(visitorHash(`${SECRET}x`, '2026-11-28', key));
    expect(visitorHash(SECRET, '2026-11-28', key)).toMatch(/^[0-9a-f]{32}$/);
  });

  it('does not count bots, and counts people once a day', async () => {
    const db = ctx.database.db;
    const view = { seq, ip: '203.0.113.7', now: morning, secret: SECRET };
    expect(await recordPageView(db, { ...view, userAgent: 'curl/8.5.0' })).toBe('bot');
    expect(await recordPageView(db, { ...view, userAgent: undefined })).toBe('bot');
    expect(await recordPageView(db, { ...view, userAgent: 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)' })).toBe('bot');
    expect(await rows()).toHaveLength(0);
    expect(await recordPageView(db, { ...view, userAgent: CHROME })).toBe('counted');
    expect(await recordPageView(db, { ...view, userAgent: CHROME, now: evening })).toBe('repeat');
    expect(await rows()).toHaveLength(1);
  });
});
