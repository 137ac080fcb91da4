/**
 * Periodic jobs of a running server (harvests now; digests later), on cron
 * schedules. A job still running when its next tick comes is not started
 * twice (`protect`), and a failing job logs and waits for its next tick.
 */
import { Cron } from 'croner';

export interface ScheduledJob {
  name: string;
  schedule: string;
  timezone?: string;
  run(): Promise<void>;
}

export interface Scheduler {
  jobs: string[];
  stop(): void;
}

export function startScheduler(jobs: ScheduledJob[], log: (message: string) => void): Scheduler {
  const crons = jobs.map(
    (job) =>
      new Cron(job.schedule, { name: job.name, timezone: job.timezone, protect: true, catch: false }, async () => {
        const started = Date.now();
        try {
          await job.run();
          log(`job ${job.name} finished in ${((Date.now() - started) / 1000).toFixed(1)} s`);
        } catch (error) {
          log(`job ${job.name} failed: ${error instanceof Error ? error.message : String(error)}`);
        }
      }),
  );
  return {
    jobs: jobs.map((j) => `${j.name} (${j.schedule})`),
    stop: () => crons.forEach((c) => c.stop()),
  };
}
