/** Builds the raw RFC 5322 message for a mail (for `.eml` files), with Nodemailer's composer. */
import type Mail from 'nodemailer/lib/mailer/index.js';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type { OutgoingMail } from './mail-transport.js';

/** Our mail as Nodemailer's message options, shared by the SMTP and file transports. */
export function nodemailerMessage(mail: OutgoingMail): Mail.Options {
  return {
    from: mail.from,
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    messageId: mail.messageId ? `<${mail.messageId}>` : undefined,
    headers: mail.headers,
  };
}

export function renderMime(mail: OutgoingMail): Promise<Buffer> {
  const composer = new MailComposer({ ...nodemailerMessage(mail), date: new Date() });
  return new Promise((resolve, reject) => composer.compile().build((error, message) => (error ? reject(error) : resolve(message))));
}
