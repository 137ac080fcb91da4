/**
 * Filter tokens indexed with each paper (FTS5 column `search_tags`), so that
 * `cat:`, `year:` and `has:code` narrow the full-text match inside the index.
 * Tokens are letters and digits only, so the FTS5 tokenizer keeps each whole.
 */

export function categoryTag(category: string): string {
  return `cat${category.toLowerCase().replace(/[^a-z0-9]/g, '')}`;
}

/** `cat:cs` (a whole archive) matches every `cs.*` category through this tag. */
export function archiveTag(category: string): string {
  return `arch${category.toLowerCase().split(/[./]/)[0]!.replace(/[^a-z0-9]/g, '')}`;
}

export function yearTag(year: number): string {
  return `yr${year}`;
}

export const HAS_CODE_TAG = 'hascode';

export function searchTagsFor(paper: { categories: string[]; publishedAt: string | null; codeUrls: string[] }): string {
  const tags = new Set<string>();
  for (const category of paper.categories) {
    tags.add(categoryTag(category));
    tags.add(archiveTag(category));
  }
  if (paper.publishedAt) tags.add(yearTag(Number(paper.publishedAt.slice(0, 4))));
  if (paper.codeUrls.length > 0) tags.add(HAS_CODE_TAG);
  return [...tags].join(' ');
}
