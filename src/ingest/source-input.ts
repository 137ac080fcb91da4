/**
 * Opens what `paperboy ingest` is given — a file, `-` for standard input, or an
 * http(s) URL — as a byte stream whose first bytes can be inspected (to detect
 * the format) without being lost to the parser that follows.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { DETECT_HEAD_BYTES } from './detect.js';

export interface OpenedInput {
  /** Name used in messages: the path, `stdin`, or the URL. */
  origin: string;
  /** Total size in bytes when known (files, downloads with Content-Length). */
  size?: number;
  /** The first bytes, decoded, for format detection. */
  head: string;
  /** The whole input from the beginning (head included), to be consumed once. */
  stream: Readable;
  /** Bytes consumed so far by whoever reads `stream`, for progress. */
  bytesRead(): number;
}

export function isUrl(source: string): boolean {
  return /^https?:\/\//i.test(source);
}

/** Reads up to `limit` bytes ahead, then returns a stream that replays them before the rest. */
export async function peekStream(source: Readable, origin: string, size?: number): Promise<OpenedInput> {
  const iterator = source[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  const buffered: Buffer[] = [];
  let bufferedBytes = 0;
  let done = false;
  while (bufferedBytes < DETECT_HEAD_BYTES) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    const chunk = typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
    buffered.push(chunk);
    bufferedBytes += chunk.length;
  }
  let consumed = 0;
  async function* replay(): AsyncGenerator<Buffer> {
    for (const chunk of buffered) {
      consumed += chunk.length;
      yield chunk;
    }
    if (done) return;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      const chunk = typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
      consumed += chunk.length;
      yield chunk;
    }
  }
  const head = Buffer.concat(buffered).subarray(0, DETECT_HEAD_BYTES).toString('utf8');
  return { origin, size, head, stream: Readable.from(replay()), bytesRead: () => consumed };
}

export async function openLocalInput(source: string): Promise<OpenedInput> {
  if (source === '-') return peekStream(process.stdin, 'stdin');
  let size: number;
  try {
    const info = await stat(source);
    if (!info.isFile()) throw new Error(`${source}: not a regular file`);
    size = info.size;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new Error(`${source}: no such file`);
    if (code === 'EACCES') throw new Error(`${source}: permission denied`);
    throw error;
  }
  return peekStream(createReadStream(source), source, size);
}

export async function readAll(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}

const LINE_BREAK = /\r\n|\r|\n/;

/**
 * The stream's lines (split at \n, \r\n or \r, as readline does), a chunk's
 * worth at a time: readline's per-line machinery cost more than parsing the
 * JSON of a Kaggle dump. Each chunk is split on its own and only the line
 * that straddles two chunks is joined (gluing the remainder onto the next
 * chunk instead made splitting several times slower).
 */
export async function* readLineBatches(stream: Readable): AsyncGenerator<string[]> {
  const decoder = new StringDecoder('utf8');
  let rest = '';
  let heldCr = '';
  for await (const chunk of stream) {
    let text = heldCr + (typeof chunk === 'string' ? chunk : decoder.write(chunk));
    // A trailing \r may be the first half of \r\n: hold it for the next chunk.
    heldCr = text.endsWith('\r') ? '\r' : '';
    if (heldCr) text = text.slice(0, -1);
    const lines = text.split(LINE_BREAK);
    lines[0] = rest + lines[0];
    rest = lines.pop()!;
    if (lines.length > 0) yield lines;
  }
  const last = (rest + heldCr + decoder.end()).split(LINE_BREAK);
  if (last[last.length - 1] === '') last.pop();
  if (last.length > 0) yield last;
}

export async function* readLines(stream: Readable): AsyncGenerator<string> {
  for await (const lines of readLineBatches(stream)) yield* lines;
}
