/**
 * Subscribers for the digest benchmark, written through the subscription
 * store (the same functions the sign-up flow uses): confirmed, spread over
 * time zones and send hours, with varied topics — arXiv categories and saved
 * searches drawn from the vocabulary of the synthetic corpus.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../src/db/schema.js';
import { dedupeTopics, type Topic } from '../src/subscribers/preferences.js';
import { findSubscriberByEmail, insertPendingSubscriber, replaceTopics, updateSubscriber } from '../src/subscribers/subscriber-store.js';
import { createRandom, pick, type Random } from './synthetic-text.js';

const ZONES = [
  'UTC', 'Europe/Berlin', 'Europe/London', 'America/New_York', 'America/Los_Angeles', 'America/Sao_Paulo',
  'Asia/Tokyo', 'Asia/Kolkata', 'Asia/Shanghai', 'Australia/Sydney', 'Africa/Lagos', 'Pacific/Auckland',
];
const CATEGORIES = ['cs.LG', 'cs.CV', 'cs.CL', 'cs.AI', 'stat.ML', 'cs.RO', 'cs.CR', 'math.OC', 'quant-ph', 'hep-th', 'astro-ph.GA', 'cond-mat.str-el', 'math.AP', 'eess.SP'];
const QUERIES = [
  'diffusion models', 'large language models', 'graph neural networks', 'reinforcement learning', 'transformer', 'quantum',
  'segmentation', 'robustness', 'federated learning', 'optimization', 'retrieval augmented', 'neural networks -survey',
];
const BATCH = 2000;

function topicsFor(random: Random): Topic[] {
  const roll = random();
  if (roll < 0.2) return [];
  if (roll < 0.6) return [{ kind: 'category', value: pick(random, CATEGORIES) }];
  if (roll < 0.9) return [{ kind: 'category', value: pick(random, CATEGORIES) }, { kind: 'query', value: pick(random, QUERIES) }];
  return [{ kind: 'query', value: pick(random, QUERIES) }, { kind: 'query', value: pick(random, QUERIES) }];
}

/** Creates `count` confirmed daily subscribers; returns how many topics they have in all. */
export async function seedSubscribers(db: Kysely<Database>, count: number, seed: number): Promise<number> {
  const random = createRandom(seed);
  const now = new Date().toISOString();
  let topics = 0;
  for (let start = 0; start < count; start += BATCH) {
    await db.transaction().execute(async (trx) => {
      for (let i = start; i < Math.min(count, start + BATCH); i++) {
        const email = `reader${i}@bench.example`;
        await insertPendingSubscriber(trx, { email, frequency: 'daily', timezone: pick(random, ZONES), source: 'bench' }, now);
        const subscriber = await findSubscriberByEmail(trx, email);
        if (!subscriber) throw new Error(`seeding ${email} failed`);
        const papersPerMail = random() < 0.8 ? 10 : pick(random, [5, 20]);
        await updateSubscriber(trx, subscriber.id, { status: 'confirmed', confirmed_at: now, send_hour: 6 + Math.floor(random() * 4), papers_per_mail: papersPerMail }, now);
        const chosen = dedupeTopics(topicsFor(random));
        topics += chosen.length;
        await replaceTopics(trx, subscriber.id, chosen);
      }
    });
  }
  return topics;
}
