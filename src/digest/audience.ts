/**
 * Who gets an edition. An edition is a local calendar date D: a subscriber is
 * due once their own send time on D (send_hour, in their time zone) has come.
 * Daily subscribers receive every day, Saturdays and Sundays only if they
 * said so; weekly subscribers receive on Mondays (their local Monday), the
 * start of the working week, when a week's worth of papers is freshest.
 *
 * The work is done per time zone: at a given moment every subscriber in one
 * zone shares the same local date and hour, so each zone becomes one indexed
 * range query (`send_hour <= local hour`), whatever the number of subscribers.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { confirmedAmong, confirmedInSlice, confirmedTimeZones, suspendSubscriber, type AudienceSlice, type Subscriber } from '../subscribers/subscriber-store.js';
import { localTime, weekdayOf } from '../subscribers/time-zones.js';
import type { DigestAudience, DueSubscriber, EditionKey } from './delivery-types.js';

const MONDAY = 1;
const DEFAULT_BATCH = 500;

/** Whether an edition exists at all for its date: weekly editions are Mondays. */
export function isEditionDay(edition: EditionKey): boolean {
  return edition.frequency === 'daily' || weekdayOf(edition.date) === MONDAY;
}

function isWeekend(date: string): boolean {
  const day = weekdayOf(date);
  return day === 0 || day === 6;
}

/** The slice of one zone that is due for `edition` at `now`, or null when the date has not begun there. */
export function sliceFor(edition: EditionKey, timezone: string, now: Date): AudienceSlice | null {
  const local = localTime(now, timezone);
  if (local.date < edition.date) return null;
  // Once D is over in the zone, every send time on D has passed.
  const hour = local.date > edition.date ? 23 : local.hour;
  return { timezone, sendHour: { op: '<=', hour }, frequency: edition.frequency, weekendsOnly: edition.frequency === 'daily' && isWeekend(edition.date) };
}

function toDue(s: Subscriber): DueSubscriber {
  return { id: s.id, email: s.email, timezone: s.timezone, frequency: s.frequency };
}

export class SubscriberAudience implements DigestAudience {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly batchSize = DEFAULT_BATCH,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async *dueSubscribers(edition: EditionKey, now: Date): AsyncIterable<DueSubscriber[]> {
    if (!isEditionDay(edition)) return;
    const batch: DueSubscriber[] = [];
    for (const timezone of await confirmedTimeZones(this.db)) {
      const slice = sliceFor(edition, timezone, now);
      if (!slice) continue;
      for (let afterId = 0; ; ) {
        const page = await confirmedInSlice(this.db, slice, afterId, this.batchSize);
        batch.push(...page.map(toDue));
        if (batch.length >= this.batchSize) {
          yield batch.splice(0, this.batchSize);
        }
        if (page.length < this.batchSize) break;
        afterId = page[page.length - 1]!.id;
      }
    }
    while (batch.length > 0) yield batch.splice(0, this.batchSize);
  }

  /** Of these subscribers, those still confirmed now (suspended and unsubscribed ones are not). */
  async stillConfirmed(subscriberIds: readonly number[]): Promise<Set<number>> {
    return confirmedAmong(this.db, subscriberIds);
  }

  async suspend(subscriberId: number, reason: string): Promise<void> {
    await suspendSubscriber(this.db, subscriberId, reason, this.clock().toISOString());
  }
}
