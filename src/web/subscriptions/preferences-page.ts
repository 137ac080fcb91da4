/**
 * The preferences page, opened from the signed link in every digest: when
 * (frequency, hour, time zone, weekends), how much (papers per mail) and what
 * (saved searches with -exclusions, categories, authors). Topics are edited
 * as text, one per line, so a subscriber can paste a list.
 */
import { MAX_PAPERS_PER_MAIL, type Preferences, type Topic } from '../../subscribers/preferences.js';
import type { SubscriberStatus, TopicKind } from '../../subscribers/subscriber-tables.js';
import { allTimeZones } from '../../subscribers/time-zones.js';
import { CSRF_FIELD } from '../csrf.js';
import { html, raw, type SafeHtml } from '../html.js';
import { notice } from '../pages/components.js';

export interface PreferencesPageModel {
  email: string;
  status: SubscriberStatus;
  action: string;
  unsubscribeUrl: string;
  csrfToken: string;
  values: PreferencesFormValues;
  errors?: string[];
  saved?: boolean;
}

/** What the form shows: stored preferences, or what was just submitted (so a mistake loses nothing). */
export interface PreferencesFormValues {
  frequency: string;
  sendHour: number;
  timezone: string;
  weekends: boolean;
  papersPerMail: string;
  queries: string;
  categories: string;
  authors: string;
}

function topicLines(topics: Topic[], kind: TopicKind): string {
  return topics
    .filter((t) => t.kind === kind)
    .map((t) => t.value)
    .join('\n');
}

export function formValuesOf(p: Preferences): PreferencesFormValues {
  return {
    frequency: p.frequency,
    sendHour: p.sendHour,
    timezone: p.timezone,
    weekends: p.weekends,
    papersPerMail: String(p.papersPerMail),
    queries: topicLines(p.topics, 'query'),
    categories: topicLines(p.topics, 'category'),
    authors: topicLines(p.topics, 'author'),
  };
}

const STATUS_NOTES: Partial<Record<SubscriberStatus, string>> = {
  pending: 'Your subscription is not confirmed yet: use the link in the confirmation mail to start receiving digests.',
  unsubscribed: 'You are unsubscribed: no digests are sent. Subscribe again from the box below to resume.',
  suspended: 'Digests are paused because mail to this address kept bouncing. Subscribe again from the box below to resume.',
};

function selected(on: boolean): SafeHtml {
  return raw(on ? ' selected' : '');
}

function checked(on: boolean): SafeHtml {
  return raw(on ? ' checked' : '');
}

function hourOptions(current: number): SafeHtml[] {
  return Array.from({ length: 24 }, (_, h) => html`<option value="${h}"${selected(h === current)}>${String(h).padStart(2, '0')}:00</option>`);
}

function zoneOptions(current: string): SafeHtml[] {
  const zones = allTimeZones();
  const list = zones.includes(current) ? zones : [current, ...zones];
  return list.map((z) => html`<option value="${z}"${selected(z === current)}>${z.replace(/_/g, ' ')}</option>`);
}

function whenFields(v: PreferencesFormValues): SafeHtml {
  return html`<fieldset class="stack">
<legend>When</legend>
<label><input type="radio" name="frequency" value="daily"${checked(v.frequency !== 'weekly')}> Daily</label>
<label><input type="radio" name="frequency" value="weekly"${checked(v.frequency === 'weekly')}> Weekly, on Mondays</label>
<label><input type="checkbox" name="weekends" value="on"${checked(v.weekends)}> Daily digests on Saturdays and Sundays too</label>
<label for="pref-hour">Send at</label>
<select id="pref-hour" name="sendHour">${hourOptions(v.sendHour)}</select>
<label for="pref-zone">Time zone</label>
<select id="pref-zone" name="timezone">${zoneOptions(v.timezone)}</select>
<label for="pref-count">Papers per mail (1–${MAX_PAPERS_PER_MAIL})</label>
<input id="pref-count" type="number" name="papersPerMail" min="1" max="${MAX_PAPERS_PER_MAIL}" value="${v.papersPerMail}" required>
</fieldset>`;
}

function topicFields(v: PreferencesFormValues): SafeHtml {
  return html`<fieldset class="stack">
<legend>What, besides what is trending</legend>
<label for="pref-queries">Saved searches, one per line</label>
<textarea id="pref-queries" name="queries" rows="4" placeholder="speculative decoding&#10;diffusion -survey&#10;&quot;graph neural network&quot; has:code">${v.queries}</textarea>
<p class="hint">Search syntax as on the search page: <code>-word</code> excludes, <code>"exact phrase"</code>, <code>cat:cs.LG</code>, <code>author:Hinton</code>. A line of exclusions only (<code>-crypto -blockchain</code>) hides those papers everywhere in your digest.</p>
<label for="pref-categories">arXiv categories, comma or line separated</label>
<textarea id="pref-categories" name="categories" rows="2" placeholder="cs.LG, cs.CL, stat.ML">${v.categories}</textarea>
<label for="pref-authors">Authors you follow, one per line</label>
<textarea id="pref-authors" name="authors" rows="3" placeholder="Yann LeCun">${v.authors}</textarea>
</fieldset>`;
}

export function renderPreferencesPage(m: PreferencesPageModel): SafeHtml {
  const status = STATUS_NOTES[m.status];
  return html`<section class="preferences">
<h1>Your digest</h1>
<p>Preferences for <strong>${m.email}</strong>. Anyone with this page's link can change them, so do not forward the mail it came in.</p>
${m.saved ? notice('Saved. The next digest follows these preferences.') : ''}
${status ? notice(status, 'warning') : ''}
${m.errors && m.errors.length > 0 ? notice(html`Nothing was saved: ${m.errors.join(' ')}`, 'error') : ''}
<form class="stack" method="post" action="${m.action}">
<input type="hidden" name="${CSRF_FIELD}" value="${m.csrfToken}">
${whenFields(m.values)}
${topicFields(m.values)}
<button type="submit" class="primary">Save preferences</button>
</form>
<p>Every digest lists trending papers first, then new papers matching your topics — never a paper you were already sent.</p>
<p><a href="${m.unsubscribeUrl}">Unsubscribe from all digests</a></p>
</section>`;
}
