/** Builds the raw RFC 5322 message for a mail (for `.eml` files), with Nodemailer's composer. */
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type { OutgoingMail } from './mail-transport.js';

export function renderMime(mail: OutgoingMail): Promise<Buffer> {
  const composer = new MailComposer({
    from: mail.from,
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    messageId: mail.messageId ? `<${mail.messageId}>` : undefined,
    headers: mail.headers,
    date: new Date(),
  });
  return new Promise((resolve, reject) => composer.compile().build((error, message) => (error ? reject(error) : resolve(message))));
}
