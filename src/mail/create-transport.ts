/** Picks the mail transport from configuration: SMTP when SMTP_URL is set, `.eml` files otherwise. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, type Config } from '../config/config.js';
import type { MailTransport } from './mail-transport.js';
import { OutboxTransport } from './outbox-transport.js';
import { SmtpTransport, type DkimOptions } from './smtp-transport.js';

export function createMailTransport(config: Config): MailTransport {
  if (config.SMTP_URL) {
    return new SmtpTransport({
      url: config.SMTP_URL,
      poolSize: config.SMTP_POOL_SIZE,
      ratePerSecond: config.SMTP_RATE_PER_SECOND,
      timeoutMs: config.SMTP_TIMEOUT_MS,
      dkim: dkimOptions(config),
    });
  }
  return new OutboxTransport(join(config.DATA_DIR, 'outbox'));
}

/**
 * DKIM settings, all or nothing: a half-configured DKIM would send unsigned
 * mail that the operator believes signed, so it stops the start instead.
 */
export function dkimOptions(config: Config): DkimOptions | undefined {
  const { DKIM_DOMAIN: domainName, DKIM_SELECTOR: keySelector, DKIM_PRIVATE_KEY: inline, DKIM_PRIVATE_KEY_FILE: file } = config;
  if (!domainName && !keySelector && !inline && !file) return undefined;
  const missing = [!domainName && 'DKIM_DOMAIN', !keySelector && 'DKIM_SELECTOR', !inline && !file && 'DKIM_PRIVATE_KEY or DKIM_PRIVATE_KEY_FILE'].filter(Boolean);
  if (missing.length > 0 || !domainName || !keySelector) {
    throw new ConfigError([`DKIM: set ${missing.join(', ')} as well, or none of the DKIM_ variables`]);
  }
  let privateKey = inline;
  if (!privateKey && file) {
    try {
      privateKey = readFileSync(file, 'utf8');
    } catch (error) {
      throw new ConfigError([`DKIM_PRIVATE_KEY_FILE: cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`]);
    }
  }
  // Environment files often carry the PEM on one line with literal "\n".
  const pem = (privateKey ?? '').replace(/\\n/g, '\n').trim();
  if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem)) {
    throw new ConfigError(['DKIM_PRIVATE_KEY: not a PEM private key (expected "-----BEGIN PRIVATE KEY-----" or "-----BEGIN RSA PRIVATE KEY-----")']);
  }
  return { domainName, keySelector, privateKey: pem };
}
