/**
 * Headers that bulk-sender rules (Gmail, Yahoo, 2024) ask of a list mail:
 * one-click unsubscribe (RFC 8058: both List-Unsubscribe with an HTTPS URL
 * and List-Unsubscribe-Post), a List-Id to filter on (RFC 2919), and a
 * Feedback-ID so that Gmail's feedback loop reports complaints per kind of
 * mail. Deliberately no `Precedence: bulk`: Google's guidance is not to set it
 * on mail people asked for.
 */
import type { DigestFrequency, EditionKey } from './delivery-types.js';

export interface HeaderInput {
  unsubscribe: { url: string; mailto: string };
  frequency: DigestFrequency;
  publicUrl: string;
  edition: EditionKey;
}

/** A dot-atom list label from the site's host ("paperboy.example.org" → "daily.digest.paperboy.example.org"). */
function listLabel(frequency: DigestFrequency, publicUrl: string): string {
  const host = new URL(publicUrl).hostname.replace(/[^A-Za-z0-9.-]+/g, '-').replace(/^[.-]+|[.-]+$/g, '') || 'paperboy';
  return `${frequency}.digest.${host}`;
}

export function digestHeaders(input: HeaderInput): Record<string, string> {
  return {
    'List-Unsubscribe': `<${input.unsubscribe.url}>, <${input.unsubscribe.mailto}>`,
    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    'List-Id': `Paperboy ${input.frequency} digest <${listLabel(input.frequency, input.publicUrl)}>`,
    'Feedback-ID': `${input.edition.date}:${input.frequency}:digest:paperboy`,
  };
}
