/**
 * A progress bar for long ingests on a terminal; silent in logs and CI, where
 * the final summary line says everything.
 */
import cliProgress from 'cli-progress';

export interface ProgressReporter {
  /** Called after each batch with running totals. */
  update(records: number, bytes: number): void;
  /** Messages (rejections, page notices) printed without tearing the bar. */
  log(message: string): void;
  stop(): void;
}

export function quietProgress(log: (message: string) => void): ProgressReporter {
  return { update: () => {}, log, stop: () => {} };
}

export function shouldShowProgress(stream: NodeJS.WriteStream = process.stderr): boolean {
  return Boolean(stream.isTTY) && !process.env.CI;
}

function formatRate(records: number, startedAt: number): string {
  const seconds = (Date.now() - startedAt) / 1000;
  return seconds > 0 ? `${Math.round(records / seconds).toLocaleString('en-US')}` : '0';
}

/** Bar by bytes when the size is known (so the ETA is meaningful), else a running count. */
export function terminalProgress(totalBytes: number | undefined, stream: NodeJS.WriteStream = process.stderr): ProgressReporter {
  const startedAt = Date.now();
  const format = totalBytes
    ? 'ingest [{bar}] {percentage}% | {records} records | {rate} rec/s | ETA {eta_formatted}'
    : 'ingest {records} records | {rate} rec/s | {elapsed}s';
  const bar = new cliProgress.SingleBar(
    { format, stream, hideCursor: true, etaBuffer: 50, fps: 5, clearOnComplete: false },
    cliProgress.Presets.shades_classic,
  );
  bar.start(totalBytes ?? 0, 0, { records: 0, rate: '0', elapsed: 0 });
  return {
    update(records, bytes) {
      const payload = {
        records: records.toLocaleString('en-US'),
        rate: formatRate(records, startedAt),
        elapsed: Math.round((Date.now() - startedAt) / 1000),
      };
      bar.update(totalBytes ? Math.min(bytes, totalBytes) : 0, payload);
    },
    log(message) {
      // cli-progress redraws on the next update; writing a full line above it keeps both readable.
      stream.write(`\r\x1b[K${message}\n`);
    },
    stop() {
      bar.stop();
    },
  };
}
