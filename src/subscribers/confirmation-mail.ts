/**
 * The mails a subscribe request can cause: "confirm your subscription" (double
 * opt-in: nothing else is ever sent to an unconfirmed address) and, for an
 * address that is already confirmed, "you are already subscribed" with a link
 * to the preferences — so the web response can be identical in both cases
 * while the mailbox owner still learns what happened.
 */
import type { OutgoingMail } from '../mail/mail-transport.js';
import { compileMjml, fillSlots, slot } from '../digest/templates/mjml-render.js';
import { emailFrame, PALETTE } from '../digest/templates/email-frame.js';
import { html, type SafeHtml } from '../web/html.js';

export interface ConfirmationMailModel {
  from: string;
  to: string;
  siteUrl: string;
  /** Signed confirmation link. */
  link: string;
}

export interface AlreadySubscribedMailModel {
  from: string;
  to: string;
  siteUrl: string;
  preferencesLink: string;
  unsubscribeLink: string;
}

function button(href: ReturnType<typeof slot>, label: string) {
  return html`<mj-button href="${href}" background-color="${PALETTE.link}" color="#ffffff" font-size="15px" border-radius="6px" align="left" padding="12px 24px">${label}</mj-button>`;
}

const COMMON_HEADERS = { 'Auto-Submitted': 'auto-generated' };

interface SubscriptionMailParts {
  title: string;
  preheader: string;
  kicker: string;
  subject: string;
  /** MJML body; links are slots, filled from `links` after compiling (the compiled template is cached per source). */
  body: SafeHtml;
  links: Record<string, string>;
  text: string[];
}

/** The frame, footer, compilation and headers both subscription mails share. */
async function subscriptionMail(model: { from: string; to: string }, site: string, parts: SubscriptionMailParts): Promise<OutgoingMail> {
  const source = emailFrame({
    title: parts.title,
    preheader: parts.preheader,
    kicker: parts.kicker,
    body: parts.body,
    footer: html`Sent because this address was entered at ${site}.`,
  });
  const compiled = await compileMjml(source);
  return {
    from: model.from,
    to: model.to,
    subject: parts.subject,
    html: fillSlots(compiled, parts.links),
    text: parts.text.join('\n'),
    headers: COMMON_HEADERS,
  };
}

export async function confirmationMail(model: ConfirmationMailModel): Promise<OutgoingMail> {
  const site = new URL(model.siteUrl).host;
  return subscriptionMail(model, site, {
    title: 'Confirm your subscription',
    preheader: 'One click and trending papers arrive in your inbox.',
    kicker: 'Confirm your subscription',
    subject: 'Confirm your Paperboy subscription',
    body: html`<mj-section><mj-column>
<mj-text css-class="pb-text">Someone — hopefully you — asked for trending research papers from Paperboy (${site}) to be sent to this address.</mj-text>
${button(slot('link'), 'Confirm my subscription')}
<mj-text css-class="pb-text">The link works for 48 hours. If you did not ask for this, ignore this mail: you will not hear from us again.</mj-text>
</mj-column></mj-section>`,
    links: { link: model.link },
    text: [
      `Someone — hopefully you — asked for trending research papers from Paperboy (${site}) to be sent to this address.`,
      '',
      `Confirm your subscription: ${model.link}`,
      '',
      'The link works for 48 hours. If you did not ask for this, ignore this mail: you will not hear from us again.',
    ],
  });
}

export async function alreadySubscribedMail(model: AlreadySubscribedMailModel): Promise<OutgoingMail> {
  const site = new URL(model.siteUrl).host;
  return subscriptionMail(model, site, {
    title: 'You are already subscribed',
    preheader: 'Change what you receive, or stop, from your preferences.',
    kicker: 'Your subscription',
    subject: 'Your Paperboy subscription',
    body: html`<mj-section><mj-column>
<mj-text css-class="pb-text">Someone asked to subscribe this address to Paperboy (${site}), and it already is. Nothing has changed.</mj-text>
${button(slot('prefs'), 'Open my preferences')}
<mj-text css-class="pb-text">To stop receiving digests, <a class="pb-link" href="${slot('unsub')}" style="color:${PALETTE.link}">unsubscribe</a>.</mj-text>
</mj-column></mj-section>`,
    links: { prefs: model.preferencesLink, unsub: model.unsubscribeLink },
    text: [
      `Someone asked to subscribe this address to Paperboy (${site}), and it already is. Nothing has changed.`,
      '',
      `Your preferences: ${model.preferencesLink}`,
      `Unsubscribe: ${model.unsubscribeLink}`,
    ],
  });
}
