/**
 * Hugging Face daily papers (`/api/daily_papers`): a JSON array of
 * submissions, each with the arXiv paper, its upvotes and (newer responses)
 * its GitHub repository and star count, which trending uses as signals.
 */
import { z } from 'zod';
import { normalizeExplicitCodeUrl } from '../../catalogue/code-links.js';
import { parseSourceDate } from '../../catalogue/dates.js';
import { cleanText, parseArxivId } from '../../catalogue/identifiers.js';
import type { ParsedItem, PaperRecord, SignalObservation } from '../../catalogue/paper.js';
import { MalformedDocumentError, type DocumentPage } from './document.js';

const Submission = z.object({
  paper: z.object({
    id: z.string(),
    title: z.string(),
    summary: z.string().nullish(),
    publishedAt: z.string().nullish(),
    upvotes: z.number().nullish(),
    githubRepo: z.string().nullish(),
    githubStars: z.number().nullish(),
    authors: z.array(z.object({ name: z.string().nullish(), hidden: z.boolean().nullish() })).nullish(),
  }),
  numComments: z.number().nullish(),
});
type Submission = z.infer<typeof Submission>;

export function looksLikeHfDaily(head: string): boolean {
  return /^\s*\[\s*(\{\s*"paper"\s*:|\]|$)/.test(head) || /^\s*\[\s*\{[\s\S]*"paper"\s*:\s*\{/.test(head.slice(0, 4000));
}

function signals(s: Submission): SignalObservation[] {
  const out: SignalObservation[] = [];
  if (typeof s.paper.upvotes === 'number') out.push({ metric: 'upvotes', value: s.paper.upvotes });
  if (typeof s.paper.githubStars === 'number') out.push({ metric: 'github_stars', value: s.paper.githubStars });
  if (typeof s.numComments === 'number') out.push({ metric: 'comments', value: s.numComments });
  return out;
}

function recordFromSubmission(s: Submission): PaperRecord {
  const arxiv = parseArxivId(s.paper.id);
  if (!arxiv) throw new Error(`unrecognised arXiv id "${s.paper.id.slice(0, 40)}"`);
  const title = cleanText(s.paper.title);
  if (!title) throw new Error('missing title');
  const authors = (s.paper.authors ?? []).flatMap((a) => (a.name && !a.hidden ? [cleanText(a.name)!] : [])).filter(Boolean);
  const codeUrl = normalizeExplicitCodeUrl(s.paper.githubRepo);
  return {
    source: 'huggingface',
    arxivId: arxiv.id,
    title,
    abstract: cleanText(s.paper.summary),
    authors: authors.length > 0 ? authors : undefined,
    publishedAt: parseSourceDate(s.paper.publishedAt),
    codeUrls: codeUrl ? [codeUrl] : undefined,
    signals: signals(s),
  };
}

export function parseHfDaily(json: string, origin: string): DocumentPage {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch (error) {
    throw new MalformedDocumentError(origin, `not valid JSON (${(error as Error).message})`);
  }
  if (!Array.isArray(data)) throw new MalformedDocumentError(origin, 'expected a JSON array of daily-paper submissions');
  const items: ParsedItem[] = data.map((raw, i) => {
    const where = `${origin} item ${i + 1}`;
    try {
      return { kind: 'record', where, record: recordFromSubmission(Submission.parse(raw)) };
    } catch (error) {
      const reason = error instanceof z.ZodError ? `field "${error.issues[0]?.path.join('.')}": ${error.issues[0]?.message}` : (error as Error).message;
      return { kind: 'rejected', where, reason };
    }
  });
  return { items };
}
