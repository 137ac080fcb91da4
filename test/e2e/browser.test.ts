/**
 * The site in a real browser (Debian's Chromium driven by playwright-core):
 * trending, search, a paper, sign-in by the mailed magic link, an upvote that
 * changes the count without a reload, a feed. Screenshots of the main pages
 * (desktop, 360 px, dark) go to test-artifacts/ for people to look at.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import Parser from 'rss-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/config/paths.js';
import { startE2eServer, type E2eServer } from './e2e-server.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const ARTIFACTS = join(PACKAGE_ROOT, 'test-artifacts');
// CI installs Chromium (.ci/run); a developer machine without it skips rather than fails.
const available = existsSync(CHROMIUM);
if (!available && process.env.CI) throw new Error(`Chromium not found at ${CHROMIUM}; .ci/run installs it`);

let server: E2eServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const consoleErrors: string[] = [];
let paperUrl = '';

async function shoot(target: Page, name: string): Promise<void> {
  await target.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

beforeAll(async () => {
  if (!available) return;
  mkdirSync(ARTIFACTS, { recursive: true });
  server = await startE2eServer();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS, headless: true });
  context = await browser.newContext({ viewport: { width: 1280, height: 900 }, userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Paperboy-e2e Chrome' });
  page = await context.newPage();
  // CSP violations and script errors show up in the console.
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(e.message));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe.skipIf(!available)('the site in a browser', () => {
  it('shows trending papers, with the newest-first notice before any activity', async () => {
    await page.goto(`${server.url}/`);
    await expect(page.locator('h1').textContent()).resolves.toMatch(/papers/i);
    await expect(page.getByText('No activity yet — showing the newest papers')).toBeTruthy();
    expect(await page.locator('ol.cards > li').count()).toBe(25);
    // The subscribe box is on the page and its time zone is filled in by the script.
    await expect(page.locator('input[data-fill="timezone"]').inputValue()).resolves.not.toBe('');
    await shoot(page, 'trending-desktop');
  });

  it('searches and shows highlighted snippets and the query syntax', async () => {
    await page.fill('#site-q', 'speculative decoding');
    await page.press('#site-q', 'Enter');
    await page.waitForURL(/\/search\?q=/);
    expect(await page.locator('ol.cards > li').count()).toBeGreaterThan(0);
    expect(await page.locator('.snippet mark').count()).toBeGreaterThan(0);
    expect(await page.locator('details.syntax').count()).toBe(1);
    await shoot(page, 'search-desktop');
  });

  it('opens a paper with its chart, BibTeX and similar papers', async () => {
    await page.locator('ol.cards .card-title a').first().click();
    await page.waitForURL(/\/papers\//);
    paperUrl = page.url();
    expect(await page.locator('svg.chart').count()).toBe(3);
    expect(await page.locator('#bibtex').textContent()).toMatch(/^@(misc|article)\{/);
    // The copy button appears only with JavaScript.
    expect(await page.locator('button[data-copy-target="bibtex"]').isVisible()).toBe(true);
    // Similar papers load in place once their section scrolls into view.
    await page.locator('#similar-title').scrollIntoViewIfNeeded();
    await page.locator('ol.similar li').first().waitFor();
    expect(await page.locator('ol.similar li').count()).toBeGreaterThan(0);
    await shoot(page, 'paper-desktop');
  });

  it('signs in with the mailed magic link and upvotes without a reload', async () => {
    await page.locator('a.vote').first().click();
    await page.waitForURL(/\/sign-in\?next=/);
    await shoot(page, 'sign-in-desktop');
    await page.fill('#sign-in-email', 'Reader@Example.org');
    await page.click('form[action="/sign-in"] button[type="submit"]');
    await expect(page.locator('h1').textContent()).resolves.toMatch(/Check your inbox/);
    const mails = await server.mails();
    expect(mails).toHaveLength(1);
    expect(mails[0]!.to).toContain('reader@example.org');
    const link = new URL(/https?:\/\/\S+\/sign-in\/confirm\?\S+/.exec(mails[0]!.text)![0]);
    // The link names PUBLIC_URL; this test server listens elsewhere.
    await page.goto(`${server.url}${link.pathname}${link.search}`);
    await page.click('form[action="/sign-in/confirm"] button[type="submit"]');
    await page.waitForURL(paperUrl);
    expect(await page.locator('.main-nav').textContent()).toContain('Library');

    const count = page.locator('.paper-actions .vote-count');
    const before = Number(await count.textContent());
    await page.locator('.paper-actions button.vote').click();
    await expect.poll(async () => Number(await count.textContent())).toBe(before + 1);
    expect(await page.locator('.paper-actions button.vote').getAttribute('aria-pressed')).toBe('true');
    await page.reload();
    expect(Number(await count.textContent())).toBe(before + 1);
    await page.locator('.paper-actions button.save').click();
    await expect.poll(() => page.locator('.paper-actions button.save').textContent()).toBe('Saved');
    await page.goto(`${server.url}/library`);
    expect(await page.locator('ol.cards > li').count()).toBe(1);
    await shoot(page, 'library-desktop');
  });

  it('ranks the upvoted paper first once there is activity', async () => {
    await page.goto(`${server.url}/?window=day`);
    expect(await page.getByText('No activity yet').count()).toBe(0);
    expect(await page.locator('.why').first().textContent()).toMatch(/upvote/);
    await shoot(page, 'trending-active-desktop');
  });

  it('serves a feed that a feed reader parses', async () => {
    const href = await page.locator('link[rel="alternate"][type="application/atom+xml"]').getAttribute('href');
    const response = await page.request.get(`${server.url}${href}`);
    const feed = await new Parser().parseString(await response.text());
    expect(feed.items.length).toBeGreaterThan(0);
  });

  it('looks right at 360 px and in dark mode', async () => {
    const mobile = await browser.newContext({ viewport: { width: 360, height: 780 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    const phone = await mobile.newPage();
    await phone.goto(`${server.url}/`);
    // Nothing wider than the screen: no sideways scrolling.
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await shoot(phone, 'trending-360');
    await phone.goto(`${server.url}/search?q=diffusion`);
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await shoot(phone, 'search-360');
    await phone.goto(paperUrl);
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await shoot(phone, 'paper-360');
    await phone.locator('section[aria-labelledby="activity-title"]').screenshot({ path: join(ARTIFACTS, 'paper-360-chart.png') });
    await mobile.close();

    const dark = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: 'dark' });
    const darkPage = await dark.newPage();
    await darkPage.goto(`${server.url}/`);
    await shoot(darkPage, 'trending-dark');
    await darkPage.goto(paperUrl);
    await shoot(darkPage, 'paper-dark');
    await darkPage.goto(`${server.url}/papers/${encodeURIComponent('does-not-exist')}`);
    await shoot(darkPage, 'not-found-dark');
    await dark.close();
  });

  it('raised no script errors or CSP violations', () => {
    expect(consoleErrors).toEqual([]);
  });
});
