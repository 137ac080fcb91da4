import type { Command } from 'commander';
import { openSearch } from '../../search/open-search.js';
import type { SearchResponse } from '../../search/search-service.js';
import { withContext, type CommonOptions } from '../command-context.js';

interface SearchOptions extends CommonOptions {
  limit: string;
  offset: string;
  json?: boolean;
  mode: 'hybrid' | 'keyword' | 'semantic';
}

function plainSnippet(html: string): string {
  return html.replace(/<\/?mark>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
}

function printHuman(response: SearchResponse, offset: number): void {
  const out = process.stdout;
  const corrections = Object.entries(response.corrections).map(([w, alts]) => `${w} → ${alts.join(', ')}`);
  if (corrections.length > 0) out.write(`also searched: ${corrections.join('; ')}\n`);
  for (const warning of response.warnings) out.write(`note: ${warning}\n`);
  out.write(`${response.total}${response.totalIsLowerBound ? '+' : ''} results\n\n`);
  response.results.forEach((r, i) => {
    const meta = [r.id, r.published?.slice(0, 10), r.authors.slice(0, 3).join(', ') + (r.authors.length > 3 ? ' et al.' : '')].filter(Boolean).join(' · ');
    out.write(`${offset + i + 1}. ${r.title}\n   ${meta}\n   ${plainSnippet(r.snippet).slice(0, 240)}\n\n`);
  });
}

export function registerSearch(program: Command): void {
  program
    .command('search')
    .description('Search the catalogue (keyword + semantic, typo-tolerant; see README for the query syntax)')
    .argument('<query>', 'e.g. "speculative decoding" cat:cs.CL after:2024-01-01 -survey')
    .option('--limit <n>', 'results to show', '10')
    .option('--offset <n>', 'results to skip', '0')
    .option('--mode <mode>', 'hybrid, keyword or semantic', 'hybrid')
    .option('--json', 'print one JSON object: { query, total, results: [...] }')
    .option('--db <url>', 'database (SQLite path or postgres:// URL); overrides DATABASE_URL')
    .action(async (q: string, opts: SearchOptions) => {
      const limit = Number(opts.limit);
      const offset = Number(opts.offset);
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new Error('--limit must be an integer from 1 to 1000');
      if (!Number.isInteger(offset) || offset < 0) throw new Error('--offset must be a non-negative integer');
      if (!['hybrid', 'keyword', 'semantic'].includes(opts.mode)) throw new Error('--mode must be hybrid, keyword or semantic');
      await withContext(opts, async (ctx) => {
        const search = await openSearch(ctx.database);
        try {
          const response = await search.search({ q, limit, offset, mode: opts.mode });
          if (opts.json) process.stdout.write(`${JSON.stringify(response)}\n`);
          else printHuman(response, offset);
        } finally {
          await search.close();
        }
      });
    });
}
