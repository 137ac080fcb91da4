/**
 * A subscriber's topics as search queries, in the search box's own language
 * (README: query syntax), so a saved search means exactly what it meant on
 * the search page.
 */
import { ARXIV_CATEGORIES } from '../catalogue/arxiv-taxonomy.js';
import { parseQuery } from '../search/query/search-query.js';
import type { Topic } from '../subscribers/preferences.js';

/** A saved search of exclusions only (`-crypto -"large language"`): it mutes, everywhere, instead of searching. */
export function isMuteTopic(topic: Topic): boolean {
  if (topic.kind !== 'query') return false;
  const query = parseQuery(topic.value);
  const { filters } = query;
  const asksForSomething = query.terms.some((t) => !t.negated) || filters.authors.length > 0 || filters.categories.length > 0;
  return !asksForSomething && query.terms.some((t) => t.negated);
}

/** The search query for a topic (without the period bounds, which the composer adds). */
export function topicQuery(topic: Topic): string {
  switch (topic.kind) {
    case 'query':
      return topic.value;
    case 'category':
      return `cat:${topic.value}`;
    case 'author':
      // Quotes inside a name would end the phrase early; they carry no meaning in a name.
      return `author:"${topic.value.replace(/"/g, ' ').trim()}"`;
  }
}

/** How a topic reads in a mail: “diffusion -survey”, cs.LG (Machine Learning), Yann LeCun. */
export function describeTopic(topic: Topic): string {
  switch (topic.kind) {
    case 'query':
      return `your search “${topic.value}”`;
    case 'category': {
      const name = ARXIV_CATEGORIES[topic.value];
      return name ? `${topic.value} (${name})` : `${topic.value}`;
    }
    case 'author':
      return `${topic.value}, an author you follow`;
  }
}
