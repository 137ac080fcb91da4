/**
 * A delivery worker process for the digest benchmark's `--workers N` mode:
 * the real delivery worker (runDeliveryWorker, what `paperboy digest worker`
 * runs) on its own database connection and SMTP pool,
 * running while the parent is still composing — the "several workers share
 * one database" set-up, using a second core. It delivers whatever is pending,
 * naps briefly when nothing is, and stops once the parent says composition is
 * over and nothing is left; then it reports what it sent.
 */
import { openDatabase } from '../src/db/connection.js';
import { SubscriberAudience } from '../src/digest/audience.js';
import type { DeliverySettings } from '../src/digest/delivery-settings.js';
import type { EditionKey } from '../src/digest/delivery-types.js';
import { runDeliveryWorker } from '../src/digest/delivery-worker.js';
import { SmtpTransport } from '../src/mail/smtp-transport.js';

interface Start {
  dbPath: string;
  smtpUrl: string;
  edition: EditionKey;
  settings: DeliverySettings;
  workerId: string;
}

let composing = true;
const start = await new Promise<Start>((resolve) => process.once('message', (m) => resolve(m as Start)));
process.on('message', (m) => {
  if (m === 'composed') composing = false;
});

const database = await openDatabase(start.dbPath);
const mail = new SmtpTransport({ url: start.smtpUrl, poolSize: start.settings.concurrency, ratePerSecond: 0, timeoutMs: 60_000 });
const deps = { database, mail, audience: new SubscriberAudience(database.db), settings: start.settings, log: () => undefined };
// Done once a pass that began after composition ended found nothing more to send.
let composingAtPassStart = composing;
const { sent } = await runDeliveryWorker(deps, {
  workerId: start.workerId,
  pollMs: 50,
  afterPass: (pass) => {
    const done = !composingAtPassStart && pass.reports.every((r) => r.sent === 0 && r.deferred === 0);
    composingAtPassStart = composing;
    return done;
  },
});
await mail.close();
await database.close();
const cpu = process.cpuUsage();
process.send?.({ sent, cpuSeconds: (cpu.user + cpu.system) / 1e6 });
process.disconnect();
