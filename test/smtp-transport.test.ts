/** Paperboy's SMTP transport: result mapping, DKIM signing, and its configuration. */
import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config/config.js';
import { createMailTransport, dkimOptions } from '../src/mail/create-transport.js';
import { classifySmtpError, SmtpTransport } from '../src/mail/smtp-transport.js';
import { freePort, startSmtpSink, type SmtpSink } from './support/smtp-sink.js';

let sink: SmtpSink | undefined;
let transport: SmtpTransport | undefined;
afterEach(async () => {
  await transport?.close();
  await sink?.stop();
  transport = undefined;
  sink = undefined;
});

const MAIL = { from: 'Paperboy <digest@paperboy.test>', to: 'reader@example.test', subject: 'Hello', text: 'text body', html: '<p>html body</p>' };

describe('SMTP outcomes', () => {
  it('maps replies and network errors onto sent / retry / failed', () => {
    expect(classifySmtpError({ code: 'EENVELOPE', responseCode: 550, response: '550 5.1.1 No such user' })).toMatchObject({ status: 'failed', smtpCode: 550 });
    expect(classifySmtpError({ code: 'EMESSAGE', responseCode: 554, response: '554 Spam' })).toMatchObject({ status: 'failed', smtpCode: 554 });
    expect(classifySmtpError({ code: 'EENVELOPE', responseCode: 451, response: '451 greylisted' })).toMatchObject({ status: 'retry', smtpCode: 451 });
    expect(classifySmtpError({ code: 'ECONNECTION', responseCode: 421 })).toMatchObject({ status: 'retry', smtpCode: 421 });
    expect(classifySmtpError({ code: 'EENVELOPE', responseCode: 503 })).toMatchObject({ status: 'retry' });
    expect(classifySmtpError({ code: 'ETIMEDOUT', message: 'Timeout' })).toMatchObject({ status: 'retry' });
    expect(classifySmtpError({ code: 'ESOCKET', message: 'connect ECONNREFUSED' })).toMatchObject({ status: 'retry' });
    expect(classifySmtpError({ code: 'EAUTH', responseCode: 535, message: 'Invalid login' })).toMatchObject({ status: 'retry' });
    expect(classifySmtpError({ code: 'EENVELOPE', message: 'Invalid recipient "x"' })).toMatchObject({ status: 'failed' });
  });

  it('reports a sent message with the server reply, and a refused connection as retry', async () => {
    sink = await startSmtpSink();
    transport = new SmtpTransport({ url: sink.url, poolSize: 1, ratePerSecond: 0, timeoutMs: 2000 });
    const sent = await transport.send({ ...MAIL, messageId: 'fixed-id@paperboy.test' });
    expect(sent).toMatchObject({ status: 'sent', messageId: 'fixed-id@paperboy.test' });
    expect(sent.status === 'sent' && sent.response).toMatch(/^250/);
    await transport.close();
    transport = new SmtpTransport({ url: `smtp://127.0.0.1:${await freePort()}`, poolSize: 1, ratePerSecond: 0, timeoutMs: 2000 });
    expect(await transport.send(MAIL)).toMatchObject({ status: 'retry', error: expect.stringMatching(/ECONNREFUSED|ECONNECTION|ESOCKET/) });
  });

  it('keeps to SMTP_RATE_PER_SECOND', async () => {
    sink = await startSmtpSink({ parse: false });
    transport = new SmtpTransport({ url: sink.url, poolSize: 2, ratePerSecond: 5, timeoutMs: 2000 });
    const started = Date.now();
    await Promise.all(Array.from({ length: 11 }, (_, i) => transport!.send({ ...MAIL, to: `r${i}@example.test` })));
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
    expect(sink.received).toHaveLength(11);
  });
});

describe('DKIM', () => {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });

  it('signs every message when configured', async () => {
    sink = await startSmtpSink();
    transport = new SmtpTransport({ url: sink.url, poolSize: 1, ratePerSecond: 0, timeoutMs: 2000, dkim: { domainName: 'paperboy.test', keySelector: 'pb2025', privateKey } });
    expect(transport.description).toContain('DKIM pb2025._domainkey.paperboy.test');
    await transport.send({ ...MAIL, headers: { 'List-Unsubscribe': '<https://paperboy.test/u/1>' } });
    const signature = sink.received[0]!.parsed!.headerLines.find((l) => l.key === 'dkim-signature')?.line ?? '';
    expect(signature).toMatch(/d=paperboy\.test/);
    expect(signature).toMatch(/s=pb2025/);
    expect(signature).toMatch(/a=rsa-sha256/);
  });

  it('reads the key inline or from a file, and refuses a half configuration', () => {
    const dir = process.env.TMPDIR ?? '/tmp';
    const file = join(dir, `paperboy-dkim-${process.pid}.pem`);
    writeFileSync(file, privateKey);
    const base = { DKIM_DOMAIN: 'paperboy.test', DKIM_SELECTOR: 's1' };
    expect(dkimOptions(loadConfig({}, { ...base, DKIM_PRIVATE_KEY_FILE: file }))?.privateKey).toBe(privateKey.trim());
    expect(dkimOptions(loadConfig({}, { ...base, DKIM_PRIVATE_KEY: privateKey.replace(/\n/g, '\\n') }))?.privateKey).toBe(privateKey.trim());
    expect(dkimOptions(loadConfig({}, {}))).toBeUndefined();
    expect(() => dkimOptions(loadConfig({}, { DKIM_DOMAIN: 'paperboy.test' }))).toThrow(ConfigError);
    expect(() => dkimOptions(loadConfig({}, { ...base, DKIM_PRIVATE_KEY: 'not a key' }))).toThrow(/PEM/);
    expect(() => dkimOptions(loadConfig({}, { ...base, DKIM_PRIVATE_KEY_FILE: '/nonexistent/key.pem' }))).toThrow(/cannot read/);
  });

  it('is what createMailTransport builds when SMTP_URL is set', async () => {
    const smtp = createMailTransport(loadConfig({}, { SMTP_URL: 'smtp://user:pw@mail.example.test:587' }));
    expect(smtp.description).toBe('SMTP mail.example.test:587');
    await smtp.close();
    expect(loadConfig({}, {}).MAIL_FROM).toBe('Paperboy <paperboy@localhost>');
  });
});
