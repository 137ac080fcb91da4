/**
 * `paperboy digest preview <email> [--edition YYYY-MM-DD] [--html]`: prints
 * exactly what the subscriber would get — subject, headers and text part, or
 * the HTML part — from the same composer the delivery engine uses. Nothing is
 * sent or recorded.
 */
import type { Command } from 'commander';
import { createDigestParts } from '../../digest/compose-parts.js';
import { previewDigest } from '../../digest/compose-preview.js';
import { isEditionDate } from '../../digest/edition-key.js';
import { withContext, type CommonOptions } from '../command-context.js';

interface PreviewOptions extends CommonOptions {
  edition?: string;
  html?: boolean;
}

const out = (text: string) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
const note = (text: string) => process.stderr.write(`${text}\n`);

export function registerDigestPreview(digest: Command): void {
  digest
    .command('preview')
    .description("Show the digest a subscriber would receive (subject, headers, text; or --html); sends nothing")
    .argument('<email>', "the subscriber's address")
    .option('--edition <date>', 'edition date YYYY-MM-DD (default: today in their time zone)')
    .option('--html', 'print the HTML part instead of the headers and text')
    .option('--db <url>', 'database (SQLite path or postgres:// URL); overrides DATABASE_URL')
    .action(async (email: string, opts: PreviewOptions) => {
      if (opts.edition !== undefined && !isEditionDate(opts.edition)) throw new Error(`--edition must be a date YYYY-MM-DD, not "${opts.edition}"`);
      await withContext(opts, async (ctx) => {
        const { composer } = await createDigestParts(ctx);
        const preview = await previewDigest(ctx.database.db, composer, email, opts.edition, new Date());
        if (!preview.found) throw new Error(`${email} is not a subscriber`);
        const label = `${preview.edition.frequency} edition of ${preview.edition.date}`;
        if (preview.note) note(`note: ${preview.subscriber.email} is ${preview.note}`);
        if (!preview.digest) return note(`nothing new for ${preview.subscriber.email} in the ${label}: no mail would be sent`);
        const { digest } = preview;
        if (opts.html) return out(digest.html);
        out(`To: ${preview.subscriber.email}\nSubject: ${digest.subject}`);
        for (const [name, value] of Object.entries(digest.headers)) out(`${name}: ${value}`);
        out(`X-Paper-Ids: ${digest.paperIds.join(' ')}\n`);
        out(digest.text);
      });
    });
}
