/**
 * What the rest of Paperboy needs of mail delivery. Two implementations:
 * SMTP through Nodemailer when SMTP_URL is set, and `.eml` files in
 * `./data/outbox` otherwise, so a fresh `npm start` works anywhere.
 */

export interface OutgoingMail {
  from: string;
  to: string;
  subject: string;
  text: string;
  html?: string;
  /** Stable Message-ID (without angle brackets), so receivers can spot a repeat. */
  messageId?: string;
  /** Extra headers, e.g. List-Unsubscribe, List-Unsubscribe-Post. */
  headers?: Record<string, string>;
}

export type SendOutcome =
  | { status: 'sent'; messageId: string; response?: string }
  /** Worth trying again later: connection refused, timeouts, 4xx replies. */
  | { status: 'retry'; error: string; smtpCode?: number }
  /** Permanent: 5xx replies (bad address, policy). */
  | { status: 'failed'; error: string; smtpCode?: number };

export interface MailTransport {
  /** Human-readable destination for the start-up banner ("SMTP smtp.example.com:587", "files in ./data/outbox"). */
  readonly description: string;
  send(mail: OutgoingMail): Promise<SendOutcome>;
  close(): Promise<void>;
}
