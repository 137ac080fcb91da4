/**
 * A paper's last weeks of activity: upvotes per day, views per day, and its
 * code's GitHub stars, one small inline SVG per signal (their scales differ
 * by orders of magnitude) under an HTML label, so the text stays readable
 * at any width while the bars stretch. Drawn on the server with attributes
 * and CSS classes only: the CSP allows no inline styles.
 */
import type { PaperHistory } from '../models/paper-history-store.js';
import { html, raw, type SafeHtml } from '../html.js';
import { formatCount, plural } from './format.js';

const WIDTH = 600;
const HEIGHT = 40;
const DAY_MS = 86_400_000;

export function chartDays(asOf: Date, days: number): string[] {
  const last = Date.UTC(asOf.getUTCFullYear(), asOf.getUTCMonth(), asOf.getUTCDate());
  return Array.from({ length: days }, (_, i) => new Date(last - (days - 1 - i) * DAY_MS).toISOString().slice(0, 10));
}

function n(value: number): string {
  return value.toFixed(1).replace(/\.0$/, '');
}

function sparkline(label: string, shapes: string, legendClass: string): SafeHtml {
  return html`<div class="spark">
<p class="spark-label"><span class="swatch ${legendClass}"></span>${label}</p>
${raw(`<svg class="chart" viewBox="0 0 ${WIDTH} ${HEIGHT}" preserveAspectRatio="none" aria-hidden="true" focusable="false"><line class="axis" x1="0" y1="${HEIGHT - 0.5}" x2="${WIDTH}" y2="${HEIGHT - 0.5}" vector-effect="non-scaling-stroke"/>${shapes}</svg>`)}
</div>`;
}

function bars(values: number[], cssClass: string): string {
  const max = Math.max(1, ...values);
  const step = WIDTH / values.length;
  return values
    .map((v, i) => {
      if (v <= 0) return '';
      const h = Math.max(2, (v / max) * (HEIGHT - 4));
      return `<rect class="${cssClass}" x="${n(i * step + 1)}" y="${n(HEIGHT - 1 - h)}" width="${n(Math.max(1, step - 2))}" height="${n(h)}"/>`;
    })
    .join('');
}

function starLine(history: PaperHistory, days: string[]): { shapes: string; latest?: number } {
  const start = Date.parse(`${days[0]}T00:00:00Z`);
  const end = Date.parse(`${days[days.length - 1]}T23:59:59Z`);
  // The last count before the window starts the line, so growth inside it shows.
  const before = history.stars.filter((p) => Date.parse(p.at) < start).pop();
  const inside = history.stars.filter((p) => Date.parse(p.at) >= start && Date.parse(p.at) <= end);
  const points = [...(before ? [{ at: new Date(start).toISOString(), stars: before.stars }] : []), ...inside];
  if (points.length === 0) return { shapes: '' };
  points.push({ at: new Date(end).toISOString(), stars: points[points.length - 1]!.stars });
  const lo = Math.min(...points.map((p) => p.stars));
  const hi = Math.max(...points.map((p) => p.stars));
  const x = (at: string) => ((Date.parse(at) - start) / (end - start)) * WIDTH;
  const y = (stars: number) => HEIGHT - 3 - (hi === lo ? (HEIGHT - 6) / 2 : ((stars - lo) / (hi - lo)) * (HEIGHT - 6));
  const d = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${n(x(p.at))} ${n(y(p.stars))}`).join(' ');
  return { shapes: `<path class="line-stars" d="${d}" vector-effect="non-scaling-stroke"/>`, latest: points[points.length - 1]!.stars };
}

export function activityChart(history: PaperHistory, asOf: Date, days = 30): SafeHtml {
  const dayList = chartDays(asOf, days);
  const perDay = (rows: PaperHistory['votes']) => {
    const byDay = new Map(rows.map((r) => [r.day, r.count]));
    return dayList.map((d) => byDay.get(d) ?? 0);
  };
  const votes = perDay(history.votes);
  const views = perDay(history.views);
  const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
  const stars = starLine(history, dayList);
  const summary = `Last ${days} days: ${plural(sum(votes), 'upvote')}, ${plural(sum(views), 'view')}${stars.latest !== undefined ? `, ${plural(stars.latest, 'GitHub star')} now` : ''}.`;
  return html`<figure class="activity">
${sparkline(`Upvotes per day · ${formatCount(sum(votes))} in ${days} days`, bars(votes, 'bar-votes'), 'swatch-votes')}
${sparkline(`Views per day · ${formatCount(sum(views))} in ${days} days`, bars(views, 'bar-views'), 'swatch-views')}
${sparkline(stars.latest !== undefined ? `GitHub stars · ${formatCount(stars.latest)} now` : 'GitHub stars · none recorded', stars.shapes, 'swatch-stars')}
<p class="spark-range" aria-hidden="true"><span>${dayList[0]!}</span><span>${dayList[dayList.length - 1]!}</span></p>
<figcaption class="visually-hidden">${summary}</figcaption>
</figure>`;
}
