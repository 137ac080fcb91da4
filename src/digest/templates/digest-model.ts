/**
 * The digest as the templates see it: plain strings, already trimmed and
 * cleaned, shared by the HTML and the text part so both always say the same.
 * Nothing here is escaped; the HTML template escapes every value.
 */
import type { Paper } from '../../catalogue/paper.js';
import { paperPath } from '../../web/pages/format.js';
import type { DigestItem, Reason } from '../compose-selection.js';
import { describeTopic } from '../compose-topics.js';
import type { DigestFrequency } from '../delivery-types.js';

/**
 * A paper as every mail shows it. One object per paper (and site URL), shared
 * by all the mails the paper appears in, so renderers may keep what they make
 * of it by identity; never modified once made.
 */
export interface PaperFace {
  readonly id: string;
  readonly title: string;
  readonly url: string;
  readonly authors: string;
  readonly abstract: string;
  readonly codeUrl?: string;
  readonly arxivUrl?: string;
}

export interface DigestPaperView {
  paper: PaperFace;
  /** Why this subscriber gets it (trending, their topic…): differs between mails. */
  why: string[];
}

export interface DigestSectionView {
  heading: string;
  papers: DigestPaperView[];
}

export interface DigestView {
  frequency: DigestFrequency;
  /** "Monday 10 March 2025". */
  dateLabel: string;
  subject: string;
  preheader: string;
  sections: DigestSectionView[];
  siteHost: string;
  postalAddress?: string;
}

/** What differs between two recipients of the same digest: filled into the compiled template. */
export interface RecipientView {
  email: string;
  preferencesUrl: string;
  unsubscribeUrl: string;
  /** "You receive this because you subscribed … on …". */
  whyNote: string;
}

const MAX_AUTHORS = 3;
const ABSTRACT_CHARS = 320;
const SUBJECT_TITLE_CHARS = 70;

/** Control characters and runs of whitespace (arXiv wraps lines) out; what remains is display text. */
export function cleanInline(text: string | null | undefined): string {
  return (text ?? '').replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ').replace(/\s+/g, ' ').trim();
}

/** Cuts at a word boundary and adds an ellipsis when the text was longer. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).replace(/[\s,;:.–—-]+$/, '')}…`;
}

export function trimAuthors(authors: readonly string[]): string {
  const names = authors.map(cleanInline).filter(Boolean);
  if (names.length <= MAX_AUTHORS + 1) return names.join(', ');
  return `${names.slice(0, MAX_AUTHORS).join(', ')} and ${names.length - MAX_AUTHORS} others`;
}

/** Only plain web links reach a mail: anything else (javascript:, data:) is dropped. */
export function safeHttpUrl(url: string | null | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}

const PERIOD_WORD: Record<DigestFrequency, string> = { daily: 'today', weekly: 'this week' };

function reasonText(reason: Reason, frequency: DigestFrequency): string {
  switch (reason.kind) {
    case 'trending':
      return reason.explanation ? `Trending: ${cleanInline(reason.explanation)}` : `Trending ${PERIOD_WORD[frequency]}`;
    case 'new':
      return `New ${PERIOD_WORD[frequency]}`;
    case 'topic':
      return `Matches ${describeTopic(reason.topic)}`;
  }
}

/** In the topics section a paper's topic comes first, even if it was trending too. */
function whyLines(item: DigestItem, frequency: DigestFrequency): string[] {
  const ordered = item.section === 'topics' ? [...item.reasons].sort((a, b) => Number(b.kind === 'topic') - Number(a.kind === 'topic')) : item.reasons;
  return ordered.map((r) => reasonText(r, frequency));
}

/** Papers come from the composer's edition memo, shared by many mails: each is cleaned up once, into one face. */
const faces = new WeakMap<Paper, { siteUrl: string; face: PaperFace }>();

function paperFace(paper: Paper, siteUrl: string): PaperFace {
  const hit = faces.get(paper);
  if (hit && hit.siteUrl === siteUrl) return hit.face;
  const face: PaperFace = {
    id: paper.id,
    title: cleanInline(paper.title),
    url: `${siteUrl}${paperPath(paper.id)}`,
    authors: trimAuthors(paper.authors),
    // Only the start is shown: cleaning a whole long abstract would be wasted work.
    abstract: truncate(cleanInline(paper.abstract?.slice(0, ABSTRACT_CHARS * 3)), ABSTRACT_CHARS),
    codeUrl: safeHttpUrl(paper.codeUrls[0]),
    arxivUrl: safeHttpUrl(paper.absUrl),
  };
  faces.set(paper, { siteUrl, face });
  return face;
}

export function paperView(item: DigestItem, siteUrl: string, frequency: DigestFrequency): DigestPaperView {
  return { paper: paperFace(item.paper, siteUrl), why: whyLines(item, frequency) };
}

export function sectionsFor(items: DigestItem[], siteUrl: string, frequency: DigestFrequency): DigestSectionView[] {
  const trending = items.filter((i) => i.section === 'trending');
  const topics = items.filter((i) => i.section === 'topics');
  const onlyNew = trending.every((i) => i.reasons[0]?.kind === 'new');
  const sections: DigestSectionView[] = [];
  if (trending.length > 0) sections.push({ heading: onlyNew ? `New ${PERIOD_WORD[frequency]}` : `Trending ${PERIOD_WORD[frequency]}`, papers: trending.map((i) => paperView(i, siteUrl, frequency)) });
  if (topics.length > 0) sections.push({ heading: 'For your topics', papers: topics.map((i) => paperView(i, siteUrl, frequency)) });
  return sections;
}

/** “AWQ: Activation-aware Weight Quantization…” and 9 more trending papers. */
export function subjectFor(items: DigestItem[], frequency: DigestFrequency): string {
  const top = items[0];
  if (!top) return frequency === 'daily' ? 'Nothing new for you today' : 'Nothing new for you this week';
  const title = `“${truncate(cleanInline(top.paper.title), SUBJECT_TITLE_CHARS)}”`;
  const more = items.length - 1;
  if (more === 0) return `${title}: your ${frequency} paper`;
  const allTrending = items.every((i) => i.section === 'trending' && i.reasons[0]?.kind === 'trending');
  return `${title} and ${more} more ${allTrending ? 'trending ' : ''}paper${more === 1 ? '' : 's'}`;
}

/** The line inbox lists show after the subject: the next titles, so the first glance tells what is inside. */
export function preheaderFor(items: DigestItem[], frequency: DigestFrequency): string {
  if (items.length === 0) return `No new papers for your topics ${PERIOD_WORD[frequency]}; see you next time.`;
  if (items.length === 1) return truncate(cleanInline(items[0]!.paper.abstract) || cleanInline(items[0]!.paper.title), 140);
  const topicCount = items.filter((i) => i.section === 'topics').length;
  const next = items.slice(1, 4).map((i) => truncate(cleanInline(i.paper.title), 50));
  const tail = topicCount > 0 ? ` · ${topicCount} for your topics` : '';
  return truncate(`Also: ${next.join(' · ')}`, 140 - tail.length) + tail;
}
