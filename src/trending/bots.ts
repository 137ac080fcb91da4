/**
 * Tells crawlers, scripts and monitors from people by their User-Agent, so
 * that page views count readers. Good enough, not adversarial: a bot that
 * lies about itself gets one view per paper per day like anyone else.
 */

// Self-declared crawlers ("Googlebot", "bingbot", "GPTBot", "Applebot"…) end in
// "bot"; the rest are HTTP libraries, headless browsers, link previewers and
// uptime/health checkers that do not.
const BOT_PATTERN = new RegExp(
  [
    '[a-z]*bot\\b', 'bot[/ _-]', 'crawl', 'spider', 'slurp', 'scrap', 'archiver', 'ia_archiver',
    'curl/', 'wget/', 'httpie', 'python-requests', 'python-urllib', 'python-httpx', 'aiohttp', 'go-http-client',
    'java/', 'okhttp', 'apache-httpclient', 'libwww', 'lwp::', 'node-fetch', 'undici', 'axios/', 'got \\(',
    'ruby', 'php/', 'guzzle', 'postmanruntime', 'insomnia', 'headlesschrome', 'phantomjs', 'puppeteer', 'playwright',
    'lighthouse', 'pagespeed', 'gtmetrix', 'facebookexternalhit', 'embedly', 'bingpreview', 'whatsapp', 'skypeuripreview',
    'monitor', 'uptime', 'pingdom', 'statuscake', 'site24x7', 'newrelic', 'datadog', 'nagios', 'zabbix', 'icinga',
    'check_http', 'health', 'kube-probe', 'googlehc', 'prometheus', 'blackbox', 'synthetic',
    'ccbot', 'bytespider', 'petalbot', 'ahrefs', 'semrush', 'mj12', 'dotbot', 'yandex', 'baiduspider', 'sogou',
    'chatgpt', 'claude', 'anthropic', 'perplexity', 'amazonbot', 'meta-externalagent',
  ].join('|'),
  'i',
);

// A phone brand whose model names end in "bot" ("CUBOT_X30"): a person.
const HUMAN_LOOKALIKES = /\bcubot/i;

/** True for crawlers, scripts, monitors and requests without a User-Agent (browsers always send one). */
export function isBot(userAgent: string | undefined | null): boolean {
  const ua = (userAgent ?? '').trim();
  if (ua === '') return true;
  return BOT_PATTERN.test(ua.replace(HUMAN_LOOKALIKES, ''));
}
