/**
 * The frame shared by every Paperboy mail (digests, confirmations): header,
 * card, footer, and a palette that stays readable in dark mode — explicit
 * light colours inline, overridden under `prefers-color-scheme: dark` for the
 * clients that support it (Apple Mail, Outlook.com, some Gmail apps).
 */
import { html, raw, type SafeHtml } from '../../web/html.js';

export const PALETTE = {
  page: '#f4f4f5',
  card: '#ffffff',
  text: '#18181b',
  muted: '#52525b',
  link: '#1d4ed8',
  rule: '#e4e4e7',
} as const;

const DARK_MODE_CSS = `
@media (prefers-color-scheme: dark) {
  body, .pb-page, .pb-band, .pb-band table, .pb-band td { background-color: #0b0b0c !important; }
  .pb-card, .pb-card > table, .pb-card td { background-color: #18181b !important; }
  .pb-text div, .pb-text p, .pb-text li { color: #e4e4e7 !important; }
  .pb-muted div, .pb-text div.pb-meta { color: #a1a1aa !important; }
  .pb-link, .pb-text a, .pb-muted a { color: #93c5fd !important; }
  .pb-rule p { border-color: #3f3f46 !important; }
}
[data-ogsc] .pb-text div, [data-ogsc] .pb-text p { color: #e4e4e7 !important; }
[data-ogsc] .pb-text div.pb-meta { color: #a1a1aa !important; }
[data-ogsc] .pb-link { color: #93c5fd !important; }
`;

export interface FrameModel {
  title: string;
  preheader: string;
  /** Small line above the card, e.g. "Daily digest · Monday 10 March 2025". */
  kicker: string;
  /** mj-section elements. */
  body: SafeHtml | SafeHtml[];
  /** mj-text contents for the footer. */
  footer: SafeHtml;
}

export function emailFrame(model: FrameModel): string {
  return html`<mjml lang="en">
<mj-head>
<mj-title>${model.title}</mj-title>
<mj-preview>${model.preheader}</mj-preview>
<mj-attributes>
<mj-all font-family="Helvetica, Arial, sans-serif"></mj-all>
<mj-text font-size="15px" line-height="1.5" color="${PALETTE.text}" padding="4px 24px"></mj-text>
<mj-section background-color="${PALETTE.card}" padding="0"></mj-section>
</mj-attributes>
<mj-style>${raw(DARK_MODE_CSS)}</mj-style>
</mj-head>
<mj-body background-color="${PALETTE.page}" width="640px" css-class="pb-page">
<mj-section background-color="${PALETTE.page}" css-class="pb-band" padding="20px 0 8px"><mj-column>
<mj-text css-class="pb-muted" color="${PALETTE.muted}" font-size="13px"><strong>Paperboy</strong> · ${model.kicker}</mj-text>
</mj-column></mj-section>
<mj-wrapper background-color="${PALETTE.card}" css-class="pb-card" padding="12px 0" border-radius="8px">
${model.body}
</mj-wrapper>
<mj-section background-color="${PALETTE.page}" css-class="pb-band" padding="12px 0 24px"><mj-column>
<mj-text css-class="pb-muted" color="${PALETTE.muted}" font-size="12px" line-height="1.6">${model.footer}</mj-text>
</mj-column></mj-section>
</mj-body>
</mjml>`.value;
}
