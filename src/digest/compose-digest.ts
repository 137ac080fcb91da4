/**
 * The DigestComposer: one subscriber's mail for one edition — papers chosen
 * (compose-selection), then rendered to HTML (MJML) and text from one view
 * model, with the list headers and the signed preferences and unsubscribe
 * links every digest carries.
 */
import type { Kysely } from 'kysely';
import type { Config } from '../config/config.js';
import type { Database } from '../db/schema.js';
import type { TokenSigner } from '../security/signed-tokens.js';
import { SubscriberLinks } from '../subscribers/subscriber-links.js';
import { findSubscriberById, listTopics, type Subscriber } from '../subscribers/subscriber-store.js';
import { isValidTimeZone } from '../subscribers/time-zones.js';
import type { TrendingProvider } from '../trending/trending-provider.js';
import { digestHeaders } from './compose-headers.js';
import { MemoTrending, SelectionMemo } from './compose-memo.js';
import { editionPeriod } from './compose-period.js';
import { selectPapers, type DigestItem, type SelectionDeps } from './compose-selection.js';
import type { ComposedDigest, DigestComposer, DueSubscriber, EditionKey } from './delivery-types.js';
import { renderDigestHtml } from './templates/digest-html.js';
import { cleanInline, preheaderFor, sectionsFor, subjectFor, type DigestView, type RecipientView } from './templates/digest-model.js';
import { renderDigestText } from './templates/digest-text.js';

export type ComposerConfig = Pick<Config, 'publicUrl' | 'MAIL_POSTAL_ADDRESS' | 'DIGEST_SEND_EMPTY'> & { MAIL_FROM?: string };

export interface ComposerDeps {
  db: Kysely<Database>;
  tokens: TokenSigner;
  config: ComposerConfig;
  search?: SelectionDeps['search'];
  /** Optional: without it, digests list the period's newest papers. */
  trending?: TrendingProvider;
  clock?: () => Date;
}

const dateLabels = new Intl.DateTimeFormat('en-GB', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });

const labelsByDate = new Map<string, string>();

/** "Monday 10 March 2025" for an edition date (a calendar date, so formatted in UTC; every mail of an edition asks). */
function dateLabel(date: string): string {
  let label = labelsByDate.get(date);
  if (label === undefined) {
    label = dateLabels.format(new Date(`${date}T00:00:00Z`)).replace(',', '');
    if (labelsByDate.size > 1000) labelsByDate.clear();
    labelsByDate.set(date, label);
  }
  return label;
}

const dayFormats = new Map<string, Intl.DateTimeFormat>();

/** "2 January 2025", in the subscriber's zone (formatters are slow to create: one per zone, kept). */
function subscribedOn(subscriber: Subscriber): string {
  const zone = isValidTimeZone(subscriber.timezone) ? subscriber.timezone : 'UTC';
  let format = dayFormats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: zone });
    dayFormats.set(zone, format);
  }
  return format.format(new Date(subscriber.confirmedAt ?? subscriber.createdAt));
}

export class SubscriberDigestComposer implements DigestComposer {
  private readonly links: SubscriberLinks;
  private readonly clock: () => Date;

  private readonly selection: SelectionDeps;

  constructor(private readonly deps: ComposerDeps) {
    this.links = new SubscriberLinks(deps.tokens, deps.config);
    this.clock = deps.clock ?? (() => new Date());
    this.selection = { db: deps.db, search: deps.search, trending: deps.trending ? new MemoTrending(deps.trending) : undefined, memo: new SelectionMemo() };
  }

  /** The delivery engine's entry point: only confirmed subscribers get anything, read fresh (an unsubscribe a second ago counts). */
  async compose(due: DueSubscriber, edition: EditionKey): Promise<ComposedDigest | null> {
    const subscriber = await findSubscriberById(this.deps.db, due.id);
    if (!subscriber || subscriber.status !== 'confirmed') return null;
    return this.composeFor(subscriber, edition);
  }

  /** What `subscriber` would get for `edition` (also used by previews, whatever the subscriber's status). */
  async composeFor(subscriber: Subscriber, edition: EditionKey): Promise<ComposedDigest | null> {
    const now = this.clock();
    const items = await selectPapers(this.selection, {
      subscriberId: subscriber.id,
      papersPerMail: subscriber.papersPerMail,
      topics: await listTopics(this.deps.db, subscriber.id),
      period: editionPeriod(edition, subscriber, now),
    });
    if (items.length === 0 && !this.deps.config.DIGEST_SEND_EMPTY) return null;
    return this.render(subscriber, edition, items, now);
  }

  private async render(subscriber: Subscriber, edition: EditionKey, items: DigestItem[], now: Date): Promise<ComposedDigest> {
    const { config } = this.deps;
    const view: DigestView = {
      frequency: edition.frequency,
      dateLabel: dateLabel(edition.date),
      subject: subjectFor(items, edition.frequency),
      preheader: preheaderFor(items, edition.frequency),
      sections: sectionsFor(items, config.publicUrl, edition.frequency),
      siteHost: new URL(config.publicUrl).host,
      postalAddress: cleanInline(config.MAIL_POSTAL_ADDRESS) || undefined,
    };
    const unsubscribe = this.links.unsubscribe(subscriber.id, now.getTime());
    const recipient: RecipientView = {
      email: subscriber.email,
      preferencesUrl: this.links.preferences(subscriber.id, now.getTime()),
      unsubscribeUrl: unsubscribe.url,
      whyNote: `You receive this because you subscribed to Paperboy's ${edition.frequency} digest at ${view.siteHost} on ${subscribedOn(subscriber)} as ${subscriber.email}.`,
    };
    return {
      subject: view.subject,
      html: await renderDigestHtml(view, recipient),
      text: renderDigestText(view, recipient),
      headers: digestHeaders({ unsubscribe, frequency: edition.frequency, publicUrl: config.publicUrl, edition }),
      paperIds: items.map((i) => i.paper.id),
    };
  }
}
