/**
 * Entry of a delivery thread (see delivery-threads.ts): the same delivery
 * worker as `paperboy digest worker`, on its own database connection and
 * mail transport, in a worker thread of the server's process. It stops when
 * the server posts 'stop': nothing more is claimed, sends in flight finish
 * and are recorded.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '../db/connection.js';
import { createMailTransport } from '../mail/create-transport.js';
import { SubscriberAudience } from './audience.js';
import { deliverySettings } from './delivery-settings.js';
import { runDeliveryWorker } from './delivery-worker.js';
import type { DeliveryThreadData } from './delivery-threads.js';
import { describeReport } from './edition-deliver.js';

const { config, secretKey, workerId, pollMs } = workerData as DeliveryThreadData;
const log = (message: string) => parentPort?.postMessage({ log: message });
const stop = new AbortController();
parentPort?.on('message', (message) => {
  if (message === 'stop') stop.abort();
});

const database = await openDatabase(config.DATABASE_URL);
const mail = createMailTransport(config);
try {
  await runDeliveryWorker(
    { database, mail, audience: new SubscriberAudience(database.db), settings: deliverySettings(config, secretKey), log },
    { workerId, pollMs, stop: stop.signal, onReport: (report) => log(`${describeReport(report)} (${workerId})`) },
  );
} finally {
  await mail.close();
  await database.close();
  parentPort?.close(); // the stop listener would keep the thread alive
}
