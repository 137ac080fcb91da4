/**
 * A real SMTP server on loopback for tests (smtp-server), collecting what it
 * accepts — parsed with mailparser — and programmable to misbehave: reject
 * recipients or messages with any code, answer slowly at connect, RCPT or
 * end of DATA, or go away entirely (connections refused) and come back on
 * the same port.
 *
 * A message counts as received when the server decides to accept it, before
 * a slow "250" is written: like a real server that commits and then replies,
 * a client that dies while waiting for the reply may still have delivered.
 */
import { createServer } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerAddress } from 'smtp-server';

export interface SmtpReply {
  code: number;
  message: string;
}

export interface ReceivedMessage {
  from: string;
  to: string[];
  raw: Buffer;
  /** Undefined when the sink was started with `parse: false`. */
  parsed?: ParsedMail;
  receivedAt: number;
}

export interface SinkBehaviour {
  /** Reply to RCPT TO instead of accepting, e.g. { code: 550, … } or { code: 451, … }. */
  onRcpt?: (address: string) => SmtpReply | undefined;
  /** Reply to the end of DATA instead of accepting (the message is then not recorded). */
  onMessage?: (raw: Buffer, to: string[]) => SmtpReply | undefined;
  connectDelayMs?: number;
  rcptDelayMs?: number;
  /** Delay of the final reply after the message has been accepted (and recorded). */
  dataReplyDelayMs?: number;
}

function smtpError(reply: SmtpReply): Error {
  return Object.assign(new Error(reply.message), { responseCode: reply.code });
}

function sleep(ms: number | undefined): Promise<void> {
  return ms ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}

/** A loopback port that was free a moment ago (for "nothing listens here yet" tests). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export class SmtpSink {
  readonly received: ReceivedMessage[] = [];
  behaviour: SinkBehaviour = {};
  /** Connections the server has seen (retries and pool reuse show up here). */
  connections = 0;
  private server: SMTPServer | null = null;
  private waiters: (() => void)[] = [];

  constructor(
    public port = 0,
    private readonly parse = true,
  ) {}

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.server !== null;
  }

  async start(): Promise<this> {
    const server = new SMTPServer({
      secure: false,
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      closeTimeout: 200,
      onConnect: (_session, callback) => {
        this.connections += 1;
        void sleep(this.behaviour.connectDelayMs).then(() => callback());
      },
      onRcptTo: (address: SMTPServerAddress, _session, callback) => {
        void sleep(this.behaviour.rcptDelayMs).then(() => {
          const reply = this.behaviour.onRcpt?.(address.address);
          callback(reply ? smtpError(reply) : null);
        });
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => void this.accept(Buffer.concat(chunks), session, callback));
      },
    });
    server.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    const address = server.server.address();
    if (typeof address === 'object' && address) this.port = address.port;
    this.server = server;
    return this;
  }

  private async accept(raw: Buffer, session: { envelope: { mailFrom: false | SMTPServerAddress; rcptTo: SMTPServerAddress[] } }, callback: (err?: Error | null) => void): Promise<void> {
    const to = session.envelope.rcptTo.map((r) => r.address);
    const reply = this.behaviour.onMessage?.(raw, to);
    if (reply) return callback(smtpError(reply));
    const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
    const message: ReceivedMessage = { from, to, raw, receivedAt: Date.now() };
    this.received.push(message);
    if (this.parse) message.parsed = await simpleParser(raw);
    this.waiters.splice(0).forEach((wake) => wake());
    await sleep(this.behaviour.dataReplyDelayMs);
    callback(null);
  }

  /** Stops listening: new connections are refused, open ones are closed. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  async waitForMessages(count: number, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.received.length < count) {
      if (Date.now() > deadline) throw new Error(`expected ${count} messages, the sink has ${this.received.length}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  /** How many messages each recipient got. */
  countsByRecipient(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const m of this.received) for (const to of m.to) counts.set(to, (counts.get(to) ?? 0) + 1);
    return counts;
  }
}

export function startSmtpSink(options: { port?: number; parse?: boolean; behaviour?: SinkBehaviour } = {}): Promise<SmtpSink> {
  const sink = new SmtpSink(options.port ?? 0, options.parse ?? true);
  sink.behaviour = options.behaviour ?? {};
  return sink.start();
}
