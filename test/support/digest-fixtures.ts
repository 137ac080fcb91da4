/**
 * Small real implementations of the subscription side of digests for
 * delivery tests: an in-memory audience with time zones, send hours,
 * frequencies and suspension, and a composer that renders a few papers and
 * the List-Unsubscribe headers the real one will send.
 */
import type { ComposedDigest, DigestAudience, DigestComposer, DigestFrequency, DueSubscriber, EditionKey } from '../../src/digest/delivery-types.js';
import type { DeliverySettings } from '../../src/digest/delivery-settings.js';
import { zonedMoment } from '../../src/digest/edition-key.js';

export interface TestSubscriber extends DueSubscriber {
  sendHour: number;
  /** Weekly subscribers get the edition of this weekday (0 = Sunday). */
  weekday?: number;
}

export function subscribers(count: number, overrides: Partial<TestSubscriber> = {}, firstId = 1): TestSubscriber[] {
  return Array.from({ length: count }, (_, i) => ({
    id: firstId + i,
    email: `reader${firstId + i}@example.test`,
    timezone: 'UTC',
    frequency: 'daily' as DigestFrequency,
    sendHour: 8,
    ...overrides,
  }));
}

export class ListAudience implements DigestAudience {
  readonly suspended = new Map<number, string>();
  /** Subscribers who unsubscribed (after being composed for, say): no longer due, no longer confirmed. */
  readonly unsubscribed = new Set<number>();
  /** Every call, for assertions on what delivery asked. */
  readonly asked: { edition: EditionKey; now: Date }[] = [];

  constructor(
    public list: TestSubscriber[],
    private readonly batchSize = 7,
  ) {}

  async *dueSubscribers(edition: EditionKey, now: Date): AsyncIterable<DueSubscriber[]> {
    this.asked.push({ edition, now });
    const due = this.list.filter((s) => this.isDue(s, edition, now)).map(({ id, email, timezone, frequency }) => ({ id, email, timezone, frequency }));
    for (let i = 0; i < due.length; i += this.batchSize) yield due.slice(i, i + this.batchSize);
  }

  private isDue(s: TestSubscriber, edition: EditionKey, now: Date): boolean {
    if (!this.isConfirmed(s.id) || s.frequency !== edition.frequency) return false;
    if (s.frequency === 'weekly' && new Date(`${edition.date}T12:00:00Z`).getUTCDay() !== (s.weekday ?? 1)) return false;
    return zonedMoment(edition.date, s.sendHour, s.timezone).getTime() <= now.getTime();
  }

  private isConfirmed(id: number): boolean {
    return !this.suspended.has(id) && !this.unsubscribed.has(id);
  }

  async stillConfirmed(subscriberIds: readonly number[]): Promise<Set<number>> {
    return new Set(subscriberIds.filter((id) => this.list.some((s) => s.id === id) && this.isConfirmed(id)));
  }

  async suspend(subscriberId: number, reason: string): Promise<void> {
    this.suspended.set(subscriberId, reason);
  }
}

export class SimpleComposer implements DigestComposer {
  readonly nothingNewFor = new Set<number>();
  readonly brokenFor = new Set<number>();
  composedCount = 0;

  async compose(subscriber: DueSubscriber, edition: EditionKey): Promise<ComposedDigest | null> {
    if (this.brokenFor.has(subscriber.id)) throw new Error('template exploded');
    if (this.nothingNewFor.has(subscriber.id)) return null;
    this.composedCount += 1;
    const paperIds = [`2401.${String(subscriber.id).padStart(5, '0')}`, '2401.99999'];
    const unsubscribe = `https://paperboy.test/unsubscribe/${subscriber.id}`;
    return {
      subject: `Trending papers for ${edition.date}`,
      html: `<p>Hello ${subscriber.email}</p><ul>${paperIds.map((id) => `<li><a href="https://arxiv.org/abs/${id}">${id}</a></li>`).join('')}</ul>`,
      text: `Hello ${subscriber.email}\n\n${paperIds.map((id) => `- https://arxiv.org/abs/${id}`).join('\n')}\n`,
      headers: { 'List-Unsubscribe': `<${unsubscribe}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
      paperIds,
    };
  }
}

export function testSettings(overrides: Partial<DeliverySettings> = {}): DeliverySettings {
  return {
    from: 'Paperboy <digest@paperboy.test>',
    messageIdHost: 'paperboy.test',
    secret: 'test-secret-test-secret-test-secret-0123',
    concurrency: 3,
    retryBaseMs: 50,
    retryMaxMs: 200,
    retryGraceHours: 6,
    sendingLeaseMs: 10 * 60_000,
    workerTtlMs: 60_000,
    bounceLimit: 3,
    ...overrides,
  };
}
