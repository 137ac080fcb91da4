/**
 * SMTP delivery through Nodemailer's pooled transport: a few long-lived
 * connections, an optional rate limit, optional DKIM signing. Every result is
 * mapped onto SendOutcome so callers decide about retries without knowing
 * Nodemailer's error shapes:
 *   2xx                                → sent
 *   refused / reset / timeouts / 4xx   → retry (the server or network is having a moment)
 *   5xx on the envelope or message     → failed, with the code (a hard bounce)
 * Authentication failures are 'retry' even with a 5xx code: a wrong password is
 * the operator's problem, not the recipient's, and must not count as a bounce.
 */
import nodemailer from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer/index.js';
import { nodemailerMessage } from './mime-message.js';
import type { MailTransport, OutgoingMail, SendOutcome } from './mail-transport.js';

export interface DkimOptions {
  domainName: string;
  keySelector: string;
  /** PEM private key. */
  privateKey: string;
}

export interface SmtpOptions {
  /** smtp:// or smtps:// URL, credentials included. */
  url: string;
  /** Connections kept open at once. */
  poolSize: number;
  /** Messages per second at most; 0 = unlimited. */
  ratePerSecond: number;
  /** Connection, greeting and socket (inactivity) timeout. */
  timeoutMs: number;
  dkim?: DkimOptions;
}

interface SmtpError {
  message?: string;
  code?: string;
  responseCode?: number;
  response?: string;
  command?: string;
}

/** Maps a Nodemailer error to an outcome; exported for the unit tests of the rules. */
export function classifySmtpError(error: unknown): SendOutcome {
  const e = (typeof error === 'object' && error !== null ? error : { message: String(error) }) as SmtpError;
  const code = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  const text = describe(e);
  if (e.code === 'EAUTH') return { status: 'retry', error: `authentication failed (check SMTP_URL): ${text}`, smtpCode: code };
  // 503 is "bad sequence of commands": a confused session, not a verdict on the message.
  if (code !== undefined && code >= 500 && code < 600 && code !== 503) return { status: 'failed', error: text, smtpCode: code };
  // An envelope refused before any reply (a malformed address) will be refused again.
  if (code === undefined && e.code === 'EENVELOPE') return { status: 'failed', error: text };
  return { status: 'retry', error: text, smtpCode: code };
}

function describe(e: SmtpError): string {
  const reply = e.response?.trim();
  const base = e.message ?? 'unknown SMTP error';
  const detail = reply && !base.includes(reply) ? `${base}: ${reply}` : base;
  return e.code ? `${e.code} ${detail}` : detail;
}

function hostOf(url: string): string {
  try {
    const parsed = new URL(url);
    return parsed.port ? `${parsed.hostname}:${parsed.port}` : parsed.hostname;
  } catch {
    return 'configured server';
  }
}

export class SmtpTransport implements MailTransport {
  readonly description: string;
  private readonly transporter: Mail;

  constructor(options: SmtpOptions) {
    this.description = `SMTP ${hostOf(options.url)}${options.dkim ? ` (DKIM ${options.dkim.keySelector}._domainkey.${options.dkim.domainName})` : ''}`;
    this.transporter = nodemailer.createTransport({
      url: options.url,
      pool: true,
      maxConnections: options.poolSize,
      // A connection is recycled after this many messages; servers often cap it near 100.
      maxMessages: 100,
      ...(options.ratePerSecond > 0 ? rateLimit(options.ratePerSecond) : {}),
      connectionTimeout: options.timeoutMs,
      greetingTimeout: options.timeoutMs,
      socketTimeout: options.timeoutMs,
      dnsTimeout: options.timeoutMs,
      dkim: options.dkim,
    });
  }

  async send(mail: OutgoingMail): Promise<SendOutcome> {
    try {
      const info = await this.transporter.sendMail({
        ...nodemailerMessage(mail),
        // Digests are mostly ASCII prose: quoted-printable is right, and naming it spares
        // Nodemailer a character-by-character scan of every body (measurable at 100,000 mails).
        textEncoding: 'quoted-printable',
      });
      // One recipient per message: a rejected recipient arrives as an error, but be strict anyway.
      if (Array.isArray(info.rejected) && info.rejected.length > 0) {
        return classifySmtpError(info.rejectedErrors?.[0] ?? { code: 'EENVELOPE', message: `recipient rejected: ${String(info.response)}` });
      }
      return { status: 'sent', messageId: String(info.messageId ?? '').replace(/^<|>$/g, ''), response: String(info.response ?? '') };
    } catch (error) {
      return classifySmtpError(error);
    }
  }

  async close(): Promise<void> {
    this.transporter.close();
  }
}

/** Nodemailer counts messages per window; fractional rates (0.5/s) become one message per 2 s. */
function rateLimit(perSecond: number): { rateLimit: number; rateDelta: number } {
  return perSecond >= 1 ? { rateLimit: Math.floor(perSecond), rateDelta: 1000 } : { rateLimit: 1, rateDelta: Math.round(1000 / perSecond) };
}
