/**
 * Promise-based calls into rebuild-worker.ts. Under Vitest the sources are
 * TypeScript, which a worker thread cannot load; the test suite's global setup
 * builds `dist/` first, so the compiled worker is used there.
 */
import { Worker } from 'node:worker_threads';
import { workerScript } from '../../config/worker-script.js';
import type { WorkerReply, WorkerRequest } from './rebuild-worker.js';

type Reply<Op extends WorkerRequest['op']> = Extract<WorkerReply, { op: Op }>;

function workerPath(): string {
  return workerScript(new URL('./rebuild-worker.js', import.meta.url));
}

export class WorkerClient {
  private readonly worker: Worker;
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (r: WorkerReply) => void; reject: (e: Error) => void }>();
  private failure: Error | undefined;

  constructor() {
    this.worker = new Worker(workerPath());
    this.worker.on('message', (m: { id: number; ok: boolean; reply?: WorkerReply; error?: string }) => {
      const call = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (m.ok) call?.resolve(m.reply!);
      else call?.reject(new Error(`semantic worker: ${m.error}`));
    });
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', (code) => this.fail(new Error(`semantic worker exited with code ${code}`)));
  }

  call<Op extends WorkerRequest['op']>(request: Extract<WorkerRequest, { op: Op }>, transfer: ArrayBuffer[] = []): Promise<Reply<Op>> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise<Reply<Op>>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (r: WorkerReply) => void, reject });
      this.worker.postMessage({ ...request, id }, transfer);
    });
  }

  async close(): Promise<void> {
    this.failure ??= new Error('semantic worker closed');
    await this.worker.terminate();
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const call of this.pending.values()) call.reject(error);
    this.pending.clear();
  }
}
