// A delivery worker in its own process, for the crash test: it delivers one
// edition from a SQLite file through Paperboy's real SMTP transport, using the
// built code in dist/ (the suite's global setup builds it). The parent kills
// it with SIGKILL mid-batch and then starts another one to resume.
//
// Test-only knob: SEND_DELAY_MS slows every send so the kill lands mid-batch.
import { setTimeout as sleep } from 'node:timers/promises';
import { openDatabase } from '../../dist/src/db/connection.js';
import { deliverEdition } from '../../dist/src/digest/edition-deliver.js';
import { SmtpTransport } from '../../dist/src/mail/smtp-transport.js';

const env = process.env;
const concurrency = Number(env.CONCURRENCY);
const delay = Number(env.SEND_DELAY_MS ?? 0);
const settings = JSON.parse(env.DELIVERY_SETTINGS);

const database = await openDatabase(env.DB);
const smtp = new SmtpTransport({ url: env.SMTP_URL, poolSize: concurrency, ratePerSecond: 0, timeoutMs: 5000 });
const mail = {
  description: smtp.description,
  close: () => smtp.close(),
  async send(message) {
    await sleep(delay);
    process.stdout.write(`sending ${message.to}\n`);
    return smtp.send(message);
  },
};
const report = await deliverEdition(
  // Every subscriber of the test's list stays confirmed.
  { database, mail, audience: { stillConfirmed: async (ids) => new Set(ids), suspend: async () => {} }, settings, log: (m) => process.stderr.write(`${m}\n`) },
  { date: env.EDITION_DATE, frequency: 'daily' },
  { workerId: env.WORKER_ID, concurrency },
);
process.stdout.write(`REPORT ${JSON.stringify(report)}\n`);
await smtp.close();
await database.close();
