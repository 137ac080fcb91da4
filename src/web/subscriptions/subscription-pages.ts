/**
 * Page bodies for subscribing, confirming and unsubscribing. Pages opened
 * from a mailed link show one button: a GET never changes anything, so the
 * link scanners of mail providers (which open every link) cannot confirm or
 * unsubscribe anyone.
 */
import { CSRF_FIELD } from '../csrf.js';
import { html, type SafeHtml } from '../html.js';
import { notice } from '../pages/components.js';

export type LinkProblem = 'invalid' | 'expired' | 'used';

/** The one answer to every subscribe request, whatever the address's state (no enumeration). */
export function renderCheckInbox(): SafeHtml {
  return html`<section class="narrow">
<h1>Check your inbox</h1>
${notice('If this address can receive mail, a message from Paperboy is on its way. Open it and press the button inside to confirm.')}
<p>Nothing arrives until you confirm, and nothing at all if you do not. No mail after a few minutes? Look in the spam folder.</p>
<p><a href="/">Back to trending papers</a></p>
</section>`;
}

export function renderSubscribeForm(csrfToken: string, error?: string, email = ''): SafeHtml {
  return html`<section class="narrow">
<h1>Subscribe to the digest</h1>
<p>Trending papers in your inbox, daily or weekly, at the hour you choose. One click to unsubscribe.</p>
${error ? notice(error, 'error') : ''}
<form class="stack" method="post" action="/subscribe">
<input type="hidden" name="${CSRF_FIELD}" value="${csrfToken}">
<label for="sub-email">Email</label>
<input id="sub-email" type="email" name="email" required autocomplete="email" value="${email}" placeholder="you@example.org">
<label for="sub-frequency">How often</label>
<select id="sub-frequency" name="frequency"><option value="daily">Daily</option><option value="weekly">Weekly (Mondays)</option></select>
<input type="hidden" name="timezone" value="" data-fill="timezone">
<button type="submit" class="primary">Subscribe</button>
</form>
</section>`;
}

export function renderConfirmPrompt(csrfToken: string, action: string, email: string): SafeHtml {
  return html`<section class="narrow">
<h1>Confirm your subscription</h1>
<p>Press the button to start receiving Paperboy's digest at <strong>${email}</strong>.</p>
<form class="stack" method="post" action="${action}">
<input type="hidden" name="${CSRF_FIELD}" value="${csrfToken}">
<button type="submit" class="primary">Confirm my subscription</button>
</form>
</section>`;
}

export function renderConfirmed(email: string, preferencesUrl: string): SafeHtml {
  return html`<section class="narrow">
<h1>You are subscribed</h1>
${notice(html`Digests will arrive at <strong>${email}</strong>. Every one has a link to your preferences and a one-click unsubscribe.`)}
<p>Make it yours: pick the hour, the days, and the topics, authors and categories you follow.</p>
<p><a class="button primary" href="${preferencesUrl}">Choose topics and delivery time</a></p>
</section>`;
}

const CONFIRM_PROBLEMS: Record<LinkProblem, string> = {
  invalid: 'This confirmation link is not valid. It may have been cut short when it was copied.',
  expired: 'This confirmation link has expired: links work for 48 hours.',
  used: 'This confirmation link has already been used, or a newer request replaced it.',
};

export function renderConfirmProblem(problem: LinkProblem, csrfToken: string): SafeHtml {
  return html`<section class="narrow">
<h1>Cannot confirm with this link</h1>
${notice(CONFIRM_PROBLEMS[problem], 'warning')}
<p>If you are not subscribed yet, enter your address again and we will send a fresh link.</p>
</section>
${renderSubscribeForm(csrfToken)}`;
}

export function renderUnsubscribePrompt(csrfToken: string, action: string, email: string, status: string, preferencesUrl: string): SafeHtml {
  if (status === 'unsubscribed') return renderUnsubscribed(email, csrfToken);
  return html`<section class="narrow">
<h1>Unsubscribe</h1>
<p>Stop all Paperboy digests to <strong>${email}</strong>?</p>
<form class="stack" method="post" action="${action}">
<input type="hidden" name="List-Unsubscribe" value="One-Click">
<button type="submit" class="primary">Unsubscribe</button>
</form>
<p>Too many mails? You can also <a href="${preferencesUrl}">receive fewer</a> (weekly, fewer papers, no weekends).</p>
</section>`;
}

/** After unsubscribing: said plainly, with the way back (a new double opt-in) one button away. */
export function renderUnsubscribed(email: string, csrfToken: string): SafeHtml {
  return html`<section class="narrow">
<h1>You are unsubscribed</h1>
${notice(html`No more digests will be sent to <strong>${email}</strong>.`)}
<p>Changed your mind? Subscribe again (we will send a confirmation link first):</p>
<form class="stack" method="post" action="/subscribe">
<input type="hidden" name="${CSRF_FIELD}" value="${csrfToken}">
<input type="hidden" name="email" value="${email}">
<input type="hidden" name="timezone" value="" data-fill="timezone">
<button type="submit">Subscribe again</button>
</form>
</section>`;
}

export function renderLinkProblem(what: 'preferences' | 'unsubscribe', problem: 'invalid' | 'expired'): SafeHtml {
  const text =
    problem === 'expired'
      ? 'This link has expired. The newest digest in your inbox carries a fresh one.'
      : 'This link is not valid. It may have been cut short when it was copied; try the link in your newest digest.';
  return html`<section class="narrow">
<h1>${what === 'preferences' ? 'Cannot open your preferences' : 'Cannot unsubscribe with this link'}</h1>
${notice(text, 'warning')}
</section>`;
}
