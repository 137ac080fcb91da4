/**
 * The default transport without SMTP_URL: each mail becomes an `.eml` file in
 * `./data/outbox`, readable by any mail client, so development and demos
 * need no mail server.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MailTransport, OutgoingMail, SendOutcome } from './mail-transport.js';
import { renderMime } from './mime-message.js';

export class OutboxTransport implements MailTransport {
  readonly description: string;

  constructor(private readonly dir: string) {
    this.description = `.eml files in ${dir}`;
  }

  async send(mail: OutgoingMail): Promise<SendOutcome> {
    mkdirSync(this.dir, { recursive: true });
    const messageId = mail.messageId ?? `${randomUUID()}@paperboy.local`;
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const safeTo = mail.to.replace(/[^a-zA-Z0-9@._-]/g, '_').slice(0, 80);
    writeFileSync(join(this.dir, `${stamp}-${safeTo}-${messageId.replace(/[^a-zA-Z0-9]/g, '').slice(0, 24)}.eml`), await renderMime({ ...mail, messageId }));
    return { status: 'sent', messageId };
  }

  async close(): Promise<void> {}
}
