/**
 * The digest composer against a real SQLite catalogue and search index:
 * selection (trending first, then topics; exclusions; never resending;
 * dedupe; the per-mail cap), and the mail itself (escaping, text part,
 * subject, preheader, footer, headers).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addPapers, FixedTrending, markSent, paper, seedSubscriber } from '../../test/support/subscription-fixtures.js';
import type { TempContext } from '../../test/support/temp-context.js';
import { createDialectContext, DIALECTS } from '../../test/dialects.js';
import { addAlias } from '../catalogue/paper-store.js';
import { findPaperById } from '../catalogue/paper-store.js';
import type { Paper } from '../catalogue/paper.js';
import { SearchService } from '../search/search-service.js';
import { MAX_PAPERS_PER_MAIL } from '../subscribers/preferences.js';
import { SubscriberDigestComposer, type ComposerConfig } from './compose-digest.js';
import { digestTemplate } from './templates/digest-html.js';
import type { DueSubscriber, EditionKey } from './delivery-types.js';

const NOW = new Date('2025-03-10T12:00:00Z'); // a Monday
const EDITION: EditionKey = { date: '2025-03-10', frequency: 'daily' };
const DAY_BEFORE = new Date('2025-03-09T12:00:00Z');
const CONFIG: ComposerConfig = { publicUrl: 'https://paperboy.example.org', MAIL_POSTAL_ADDRESS: 'Paperboy Ltd, 1 Main Street, Springfield', DIGEST_SEND_EMPTY: false };
const HOSTILE_TITLE = '<script>alert("x")</script> & $\\alpha<\\beta$ in "Transformers"';

describe.each(DIALECTS)('digest composition on $name', (dialect) => {
  let ctx: TempContext;
  let search: SearchService;
  let trending: Paper[];
  let topical: Record<string, Paper>;

  function composer(options: { trending?: Paper[] | null; config?: Partial<ComposerConfig> } = {}): SubscriberDigestComposer {
    const provider = options.trending === null ? undefined : new FixedTrending(options.trending ?? trending);
    return new SubscriberDigestComposer({ db: ctx.database.db, tokens: ctx.tokens, config: { ...CONFIG, ...options.config }, search, trending: provider, clock: () => NOW });
  }

  async function due(email: string, seed: Parameters<typeof seedSubscriber>[1] = { email }): Promise<DueSubscriber> {
    const id = await seedSubscriber(ctx.database.db, { ...seed, email });
    return { id, email, timezone: seed.timezone ?? 'UTC', frequency: seed.frequency ?? 'daily' };
  }

  beforeAll(async () => {
    ctx = await createDialectContext(dialect);
    trending = await addPapers(ctx.database.db, [
      paper({ title: 'AWQ: Activation-aware Weight Quantization for LLM Compression and Acceleration', codeUrls: ['https://github.com/mit-han-lab/llm-awq'] }, DAY_BEFORE),
      paper({ title: 'Mamba: Linear-Time Sequence Modeling with Selective State Spaces', authors: ['Albert Gu', 'Tri Dao', 'A. Third', 'B. Fourth', 'C. Fifth', 'D. Sixth'] }, DAY_BEFORE),
      paper({ title: HOSTILE_TITLE, abstract: 'We show <img src=x onerror=alert(1)> that $a < b$ & "c" > d.' }, DAY_BEFORE),
      paper({ title: 'Direct Preference Optimization: Your Language Model is Secretly a Reward Model' }, DAY_BEFORE),
    ]);
    const [specDec, survey, robots, hopper, old] = await addPapers(ctx.database.db, [
      paper({ title: 'Speculative decoding with tiny draft models', categories: ['cs.CL'] }, DAY_BEFORE),
      paper({ title: 'A survey of speculative decoding', categories: ['cs.CL'] }, DAY_BEFORE),
      paper({ title: 'Learning dexterous robot grasping from video', categories: ['cs.RO'] }, DAY_BEFORE),
      paper({ title: 'Compilers for everyone', authors: ['Grace Hopper'], categories: ['cs.PL'] }, DAY_BEFORE),
      paper({ title: 'Speculative decoding, the early days', publishedAt: '2024-06-01T00:00:00Z', categories: ['cs.CL'] }, DAY_BEFORE),
    ]);
    topical = { specDec: specDec!, survey: survey!, robots: robots!, hopper: hopper!, old: old! };
    search = await SearchService.open({ database: ctx.database });
  });
  afterAll(() => ctx.dispose());

  describe('selection', () => {
    it('puts trending papers first, then papers matching the topics, each saying why', async () => {
      const sub = await due('topics@example.org', {
        email: '',
        topics: [
          { kind: 'query', value: 'speculative decoding -survey' },
          { kind: 'category', value: 'cs.RO' },
          { kind: 'author', value: 'Grace Hopper' },
        ],
      });
      const digest = (await composer().compose(sub, EDITION))!;
      const ids = digest.paperIds;
      expect(ids.slice(0, 4)).toEqual(trending.map((p) => p.id));
      expect(ids.slice(4).sort()).toEqual([topical.specDec!.id, topical.robots!.id, topical.hopper!.id].sort());
      expect(ids).not.toContain(topical.survey!.id); // the exclusion holds
      expect(ids).not.toContain(topical.old!.id); // outside the edition's period
      expect(digest.text).toContain('Trending: +40 upvotes in 24 h');
      expect(digest.text).toContain('Matches your search “speculative decoding -survey”');
      expect(digest.text).toContain('Matches cs.RO (Robotics)');
      expect(digest.text).toContain('Matches Grace Hopper, an author you follow');
      expect(digest.text.indexOf('TRENDING TODAY')).toBeLessThan(digest.text.indexOf('FOR YOUR TOPICS'));
    });

    it('a saved search of exclusions only mutes those papers everywhere, trending included', async () => {
      const sub = await due('mute@example.org', { email: '', topics: [{ kind: 'query', value: '-quantization -mamba' }] });
      const digest = (await composer().compose(sub, EDITION))!;
      expect(digest.paperIds).toEqual([trending[2]!.id, trending[3]!.id]);
    });

    it('never resends a paper from an earlier edition, also under its former id', async () => {
      const sub = await due('history@example.org');
      await markSent(ctx.database.db, sub.id, [trending[0]!.id]);
      const stored = await findPaperById(ctx.database.db, trending[1]!.id);
      await addAlias(ctx.database.db, 'pb-old-mamba-id', stored!.seq);
      await markSent(ctx.database.db, sub.id, ['pb-old-mamba-id']);
      const digest = (await composer().compose(sub, EDITION))!;
      expect(digest.paperIds).toEqual([trending[2]!.id, trending[3]!.id]);
    });

    it('lists a paper once even when two records share its normalised title', async () => {
      const [twin] = await addPapers(ctx.database.db, [paper({ id: 'pb-twin', title: 'awq:  activation-aware weight quantization for LLM compression and acceleration.' }, DAY_BEFORE)]);
      const sub = await due('dedupe@example.org');
      const digest = (await composer({ trending: [trending[0]!, twin!, trending[0]!, trending[1]!] }).compose(sub, EDITION))!;
      expect(digest.paperIds).toEqual([trending[0]!.id, trending[1]!.id]);
    });

    it('caps at papers_per_mail, giving topics half the places when there are matches', async () => {
      const sub = await due('cap@example.org', { email: '', papersPerMail: 4, topics: [{ kind: 'category', value: 'cs.RO' }, { kind: 'author', value: 'Grace Hopper' }] });
      const digest = (await composer().compose(sub, EDITION))!;
      expect(digest.paperIds).toHaveLength(4);
      expect(digest.paperIds.slice(0, 2)).toEqual([trending[0]!.id, trending[1]!.id]);
      expect(digest.paperIds.slice(2).sort()).toEqual([topical.robots!.id, topical.hopper!.id].sort());
    });

    it('returns null when nothing is new, or a short note when configured to', async () => {
      const sub = await due('nothing@example.org');
      await markSent(ctx.database.db, sub.id, trending.map((p) => p.id));
      expect(await composer().compose(sub, EDITION)).toBeNull();
      const note = (await composer({ config: { DIGEST_SEND_EMPTY: true } }).compose(sub, EDITION))!;
      expect(note.paperIds).toEqual([]);
      expect(note.subject).toBe('Nothing new for you today');
      expect(note.text).toContain('Unsubscribe: https://paperboy.example.org/unsubscribe/');
    });

    it('without a trending provider, lists the newest papers of the period and says so', async () => {
      const sub = await due('newest@example.org', { email: '', papersPerMail: 3 });
      const digest = (await composer({ trending: null }).compose(sub, EDITION))!;
      expect(digest.paperIds).toHaveLength(3);
      expect(digest.text).toContain('NEW TODAY');
      expect(digest.text).not.toContain(topical.old!.title);
      expect(digest.subject).not.toContain('trending');
    });

    it('sends nothing to a subscriber who is not confirmed (read fresh at compose time)', async () => {
      const sub = await due('gone@example.org', { email: '', status: 'unsubscribed' });
      expect(await composer().compose(sub, EDITION)).toBeNull();
    });
  });

  describe('the mail', () => {
    let digest: Awaited<ReturnType<SubscriberDigestComposer['compose']>>;
    beforeAll(async () => {
      const sub = await due('reader@example.org', { email: '', timezone: 'Europe/Paris', confirmedAt: '2025-01-02T23:30:00.000Z' });
      digest = await composer().compose(sub, EDITION);
    });

    it('names the top paper in the subject', () => {
      expect(digest!.subject).toBe('“AWQ: Activation-aware Weight Quantization for LLM Compression and…” and 3 more trending papers');
    });

    it('escapes hostile paper text in the HTML', () => {
      const { html } = digest!;
      expect(html).not.toMatch(/<script>alert/);
      expect(html).not.toMatch(/<img src=x/);
      expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; $\\alpha&lt;\\beta$');
      expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    });

    it('is a responsive, dark-mode-aware MJML layout with a preheader', () => {
      const { html } = digest!;
      expect(html).toMatch(/@media only screen and \(min-width:480px\)/);
      expect(html).toContain('prefers-color-scheme: dark');
      expect(html).toContain('<meta name="color-scheme" content="light dark">');
      expect(html).toMatch(/display:none[^>]*>\s*Also: Mamba: Linear-Time Sequence Modeling/);
      expect(html).not.toContain('fonts.googleapis.com');
    });

    it('links each paper to its page, with authors trimmed, the abstract, code and why', () => {
      const { html, text } = digest!;
      expect(html).toContain(`href="https://paperboy.example.org/papers/${trending[0]!.id}"`);
      expect(html).toContain('href="https://github.com/mit-han-lab/llm-awq"');
      expect(text).toContain('Albert Gu, Tri Dao, A. Third and 3 others');
      expect(text).toContain(`Read: https://paperboy.example.org/papers/${trending[1]!.id}`);
      expect(text).toContain('Code: https://github.com/mit-han-lab/llm-awq');
      expect(text).toMatch(/An abstract about awq/);
    });

    it('has the footer: why they get it, preferences, unsubscribe, postal address', () => {
      const why = "subscribed to Paperboy's daily digest at paperboy.example.org on 3 January 2025 as reader@example.org";
      expect(digest!.text).toContain(why);
      expect(digest!.html).toContain(why.replace("'", '&#39;'));
      for (const part of [digest!.html, digest!.text]) {
        expect(part).toMatch(/https:\/\/paperboy\.example\.org\/preferences\/[\w-]+\.[\w-]+/);
        expect(part).toMatch(/https:\/\/paperboy\.example\.org\/unsubscribe\/[\w-]+\.[\w-]+/);
        expect(part).toContain('Paperboy Ltd, 1 Main Street, Springfield');
      }
    });

    it('carries RFC 8058 one-click unsubscribe, List-Id and Feedback-ID, and no Precedence header', () => {
      const { headers } = digest!;
      expect(headers['List-Unsubscribe']).toMatch(/^<https:\/\/paperboy\.example\.org\/unsubscribe\/([\w.-]+)>, <mailto:paperboy@paperboy\.example\.org\?subject=unsubscribe-\1>$/);
      expect(headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
      expect(headers['List-Id']).toBe('Paperboy daily digest <daily.digest.paperboy.example.org>');
      expect(headers['Feedback-ID']).toBe('2025-03-10:daily:digest:paperboy');
      expect(Object.keys(headers).map((h) => h.toLowerCase())).not.toContain('precedence');
      const unsubscribeInBody = /https:\/\/paperboy\.example\.org\/unsubscribe\/[\w.-]+/.exec(digest!.text)![0];
      expect(headers['List-Unsubscribe']).toContain(unsubscribeInBody);
    });

    it('compiles one template per shape: hostile text lives only in escaped slot values', async () => {
      const view = (title: string, extra: object) => ({ frequency: 'daily' as const, dateLabel: 'Monday 10 March 2025', subject: title, preheader: 'p', siteHost: 'h', sections: [{ heading: 'Trending today', papers: [{ paper: { id: '1', title, url: 'https://h/papers/1', authors: 'A', abstract: 'B', ...extra }, why: ['C'] }] }] });
      const a = digestTemplate(view('One paper', {}));
      const b = digestTemplate(view('</mj-text><mj-raw><script>x</script></mj-raw>', { authors: '', codeUrl: 'https://github.com/a/b' }));
      expect(b.source).toBe(a.source);
      expect(b.source).not.toContain('script');
    });

    it('stays under Gmail’s 102 KB clipping limit at the most papers a mail may hold', async () => {
      const many = await addPapers(
        ctx.database.db,
        Array.from({ length: MAX_PAPERS_PER_MAIL }, (_, i) =>
          paper({ title: `A long and descriptive paper title number ${i} about scaling laws for mixture-of-experts language models`, abstract: 'word '.repeat(400), authors: Array.from({ length: 12 }, (_, j) => `Author Number${j}`), codeUrls: [`https://github.com/example/repo-${i}`] }, DAY_BEFORE),
        ),
      );
      const sub = await due('many@example.org', { email: '', papersPerMail: MAX_PAPERS_PER_MAIL });
      const big = (await composer({ trending: many }).compose(sub, EDITION))!;
      expect(big.paperIds).toHaveLength(MAX_PAPERS_PER_MAIL);
      expect(Buffer.byteLength(big.html)).toBeLessThan(102 * 1024);
    });

    it('asks trending for the edition window as of the subscriber’s send time', async () => {
      const provider = new FixedTrending(trending);
      const sub = await due('asof@example.org', { email: '', timezone: 'America/New_York', sendHour: 7, frequency: 'weekly' });
      const c = new SubscriberDigestComposer({ db: ctx.database.db, tokens: ctx.tokens, config: CONFIG, search, trending: provider, clock: () => NOW });
      await c.compose(sub, { date: '2025-03-10', frequency: 'weekly' });
      expect(provider.asked[0]).toMatchObject({ window: 'week', asOf: new Date('2025-03-10T11:00:00Z') });
    });
  });
});
