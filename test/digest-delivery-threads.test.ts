/**
 * The server's delivery threads (DIGEST_DELIVERY_THREADS): real worker
 * threads, each on its own connection to a real database, delivering a
 * composed edition into a loopback SMTP server while the test (standing in
 * for the scheduler) looks on; stopped, they leave nothing 'sending'.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/config.js';
import type { EditionKey } from '../src/digest/delivery-types.js';
import { startDeliveryThreads, type DeliveryThreads } from '../src/digest/delivery-threads.js';
import { composeEdition } from '../src/digest/edition-compose.js';
import { editionEndsEverywhere } from '../src/digest/edition-key.js';
import { DIALECTS, type TestDialect } from './dialects.js';
import { subscribers } from './support/digest-fixtures.js';
import { digestHarness, type DigestHarness } from './support/digest-harness.js';
import { seedSubscriber } from './support/subscription-fixtures.js';
import { until } from './support/until.js';

const EDITION: EditionKey = { date: '2025-05-06', frequency: 'daily' };
const READERS = 12;
const SECRET = 'thread-test-secret-thread-test-secret-0123';

let h: DigestHarness | undefined;
let threads: DeliveryThreads | undefined;

afterEach(async () => {
  await threads?.stop();
  threads = undefined;
  await h?.dispose();
  h = undefined;
});

async function composedEdition(dialect: TestDialect): Promise<DigestHarness> {
  const list = subscribers(READERS);
  h = await digestHarness(list, { dialect });
  for (const s of list) expect(await seedSubscriber(h.ctx.database.db, { email: s.email })).toBe(s.id);
  const composed = await composeEdition(h.runtime, EDITION, { now: editionEndsEverywhere(EDITION.date) });
  expect(composed.created).toBe(READERS);
  return h;
}

describe.each(DIALECTS)('digest delivery threads on $name', (dialect) => {
  it('two threads deliver a composed edition exactly once, and stop cleanly', async () => {
    const harness = await composedEdition(dialect);
    const config = loadConfig({}, {
      DATABASE_URL: harness.ctx.dbPath,
      SMTP_URL: harness.sink.url,
      SMTP_TIMEOUT_MS: '5000',
      MAIL_FROM: 'Paperboy <digest@paperboy.test>',
      PUBLIC_URL: 'https://paperboy.test',
      SECRET_KEY: SECRET,
      DATA_DIR: harness.ctx.dir,
    });
    const logs: string[] = [];
    threads = startDeliveryThreads({ config, secretKey: SECRET, count: 2, log: (m) => logs.push(m), pollMs: 100 });
    expect(threads.count).toBe(2);
    await until(async () => (await harness.messages(EDITION)).every((r) => r.status === 'sent'), 20_000).catch((error: Error) => {
      throw new Error(`${error.message}; thread log: ${logs.join(' | ')}`);
    });
    await threads.stop();
    threads = undefined;

    const rows = await harness.messages(EDITION);
    const received = harness.sink.received.map((m) => m.parsed!.messageId);
    expect(received).toHaveLength(READERS);
    expect(new Set(received).size).toBe(READERS);
    expect(received.sort()).toEqual(rows.map((r) => `<${r.message_id}>`).sort());
    expect(logs.some((l) => l.includes(`digest ${EDITION.date}-daily delivery:`) && l.includes('/thread-'))).toBe(true);
    expect(logs.filter((l) => l.includes('exited'))).toEqual([]);
  });
});
