/**
 * Delivery threads of the server (DIGEST_DELIVERY_THREADS, default 1):
 * delivery workers in worker threads, sending while the scheduler's tick
 * composes. Composing and delivering are both CPU-bound (MJML filling,
 * MIME encoding), so on a machine with two or more cores a thread of its
 * own lets an edition go out while it is still being composed, instead of
 * after. Threads share editions with the scheduler's own delivery and with
 * `paperboy digest worker` processes through the claims of deliverEdition.
 *
 * A thread that dies (a database or transport error) is started again after
 * a pause; the crash rules of delivery cover what it had in flight.
 */
import { Worker } from 'node:worker_threads';
import type { Config } from '../config/config.js';
import { workerScript } from '../config/worker-script.js';
import { defaultWorkerId } from './edition-deliver.js';

export interface DeliveryThreadData {
  config: Config;
  secretKey: string;
  workerId: string;
  pollMs: number;
}

export interface DeliveryThreads {
  readonly count: number;
  /** Asks every thread to stop (in-flight sends finish and are recorded) and waits, at most `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

export interface DeliveryThreadOptions {
  config: Config;
  secretKey: string;
  count: number;
  log: (message: string) => void;
  /** How often an idle thread looks for due messages; default 5 s. */
  pollMs?: number;
  /** Pause before a dead thread is started again; default 30 s. */
  restartMs?: number;
}

const STOP_GRACE_MS = 30_000;

export function startDeliveryThreads(options: DeliveryThreadOptions): DeliveryThreads {
  const threads = Array.from({ length: options.count }, (_, i) => superviseThread(options, `${defaultWorkerId()}/thread-${i + 1}`));
  return {
    count: threads.length,
    stop: async (graceMs = STOP_GRACE_MS) => {
      await Promise.all(threads.map((t) => t.stop(graceMs)));
    },
  };
}

interface SupervisedThread {
  stop(graceMs: number): Promise<void>;
}

function superviseThread(options: DeliveryThreadOptions, workerId: string): SupervisedThread {
  let stopping = false;
  let current: Worker | null = null;
  let restartTimer: NodeJS.Timeout | undefined;
  const data: DeliveryThreadData = { config: options.config, secretKey: options.secretKey, workerId, pollMs: options.pollMs ?? 5_000 };
  const restartMs = options.restartMs ?? 30_000;

  const start = () => {
    const worker = new Worker(workerScript(new URL('./delivery-thread.js', import.meta.url)), { workerData: data });
    current = worker;
    worker.on('message', (message: { log?: string }) => {
      if (typeof message?.log === 'string') options.log(message.log);
    });
    worker.on('error', (error) => options.log(`digest delivery thread ${workerId} failed: ${error.message}`));
    worker.on('exit', (code) => {
      current = null;
      if (stopping) return;
      options.log(`digest delivery thread ${workerId} exited (code ${code}); starting it again in ${Math.round(restartMs / 1000)} s`);
      restartTimer = setTimeout(start, restartMs);
      restartTimer.unref();
    });
  };
  start();

  return {
    stop: async (graceMs) => {
      stopping = true;
      clearTimeout(restartTimer);
      const worker = current;
      if (!worker) return;
      const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      worker.postMessage('stop');
      const timer = setTimeout(() => void worker.terminate(), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
