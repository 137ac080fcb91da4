import type { Command } from 'commander';
import { pollGithubStars, formatPollReport } from '../../trending/github/poll-github.js';
import { TRENDING_WINDOWS, type TrendingPage, type TrendingWindow } from '../../trending/trending-provider.js';
import { TrendingService } from '../../trending/trending-service.js';
import { withContext, type CommonOptions } from '../command-context.js';

interface TrendingOptions extends CommonOptions {
  window: string;
  limit: string;
  offset: string;
  json?: boolean;
}

const WINDOW_WORDS: Record<TrendingWindow, string> = { day: 'the last 24 hours', week: 'the last 7 days', month: 'the last 30 days', all: 'all time' };

function printHuman(page: TrendingPage, offset: number): void {
  const out = process.stdout;
  if (page.fallback === 'newest') out.write(`No activity in ${WINDOW_WORDS[page.window]}: the newest papers instead.\n\n`);
  else out.write(`Trending papers, ${WINDOW_WORDS[page.window]} (${page.total} with activity)\n\n`);
  page.entries.forEach((e, i) => {
    out.write(`${offset + i + 1}. ${e.paper.title}\n   ${[e.paper.id, e.paper.publishedAt?.slice(0, 10)].filter(Boolean).join(' · ')}\n`);
    if (page.fallback === null) {
      const c = e.components;
      out.write(`   score ${e.score.toFixed(3)}: upvotes ${c.upvotes}, Hugging Face upvotes ${c.hfUpvotes}, GitHub stars ${c.githubStars}, views ${c.views}\n`);
      out.write(`   ${e.explanation}\n`);
    }
    out.write('\n');
  });
}

function toJson(page: TrendingPage) {
  return {
    window: page.window,
    fallback: page.fallback,
    total: page.total,
    entries: page.entries.map((e) => ({ id: e.paper.id, title: e.paper.title, score: e.score, components: e.components, explanation: e.explanation })),
  };
}

function parseOptions(opts: TrendingOptions): { window: TrendingWindow; limit: number; offset: number } {
  const window = opts.window as TrendingWindow;
  if (!TRENDING_WINDOWS.includes(window)) throw new Error(`--window must be one of ${TRENDING_WINDOWS.join(', ')}`);
  const limit = Number(opts.limit);
  const offset = Number(opts.offset);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new Error('--limit must be an integer from 1 to 1000');
  if (!Number.isInteger(offset) || offset < 0) throw new Error('--offset must be a non-negative integer');
  return { window, limit, offset };
}

export function registerTrending(program: Command): void {
  const trending = program
    .command('trending')
    .description('Show trending papers with their scores (upvotes, views, GitHub stars, Hugging Face upvotes; see README)')
    .option('--window <window>', 'day, week, month or all', 'day')
    .option('--limit <n>', 'papers to show', '20')
    .option('--offset <n>', 'papers to skip', '0')
    .option('--json', 'print one JSON object: { window, fallback, total, entries: [{ id, title, score, components, explanation }] }')
    .option('--db <url>', 'database (SQLite path or postgres:// URL); overrides DATABASE_URL')
    .action(async (opts: TrendingOptions) => {
      const { window, limit, offset } = parseOptions(opts);
      await withContext(opts, async (ctx) => {
        const page = await new TrendingService(ctx.database.db).ranking({ window, limit, offset });
        if (opts.json) process.stdout.write(`${JSON.stringify(toJson(page))}\n`);
        else printHuman(page, offset);
      });
    });

  trending
    .command('poll-github')
    .description('Poll GitHub once for the star counts of recent papers\' repositories (GITHUB_TOKEN, GITHUB_API_URL); takes --db')
    .action(async (_opts: unknown, command: Command) => {
      const opts = command.optsWithGlobals<CommonOptions>();
      await withContext(opts, async (ctx) => {
        if (!ctx.config.GITHUB_TOKEN) process.stderr.write('note: GITHUB_TOKEN is not set; GitHub allows 60 anonymous requests an hour\n');
        const log = (m: string) => process.stderr.write(`${m}\n`);
        const report = await pollGithubStars(ctx, { log });
        process.stdout.write(`${formatPollReport(report)}\n`);
      });
    });
}
