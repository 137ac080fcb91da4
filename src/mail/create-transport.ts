/** Picks the mail transport from configuration: SMTP when SMTP_URL is set, `.eml` files otherwise. */
import { join } from 'node:path';
import type { Config } from '../config/config.js';
import type { MailTransport } from './mail-transport.js';
import { OutboxTransport } from './outbox-transport.js';

export function createMailTransport(config: Config): MailTransport {
  if (config.SMTP_URL) {
    // The SMTP transport (Nodemailer, pooled) is wired here by the mail package.
    throw new Error('SMTP_URL is set, but SMTP delivery is not available in this build yet; unset SMTP_URL to write mail to ./data/outbox');
  }
  return new OutboxTransport(join(config.DATA_DIR, 'outbox'));
}
