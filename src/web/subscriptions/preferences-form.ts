/** The preferences form's fields → validated Preferences, or messages saying what to fix. */
import { z } from 'zod';
import { PreferencesSchema, type Preferences, type Topic } from '../../subscribers/preferences.js';
import type { PreferencesFormValues } from './preferences-page.js';

const MAX_FIELD = 10_000;

const FormFields = z.object({
  frequency: z.string().max(20).default('daily'),
  sendHour: z.string().max(5).default('8'),
  timezone: z.string().max(100).default('UTC'),
  weekends: z.string().max(5).optional(),
  papersPerMail: z.string().max(10).default('10'),
  queries: z.string().max(MAX_FIELD).default(''),
  categories: z.string().max(MAX_FIELD).default(''),
  authors: z.string().max(MAX_FIELD).default(''),
});

function lines(text: string, separators: RegExp): string[] {
  return text
    .split(separators)
    .map((l) => l.trim())
    .filter(Boolean);
}

function topicsOf(values: PreferencesFormValues): Topic[] {
  return [
    ...lines(values.queries, /\r?\n/).map((value) => ({ kind: 'query' as const, value })),
    ...lines(values.categories, /[\s,;]+/).map((value) => ({ kind: 'category' as const, value })),
    ...lines(values.authors, /\r?\n/).map((value) => ({ kind: 'author' as const, value })),
  ];
}

export type PreferencesForm = { ok: true; preferences: Preferences; values: PreferencesFormValues } | { ok: false; errors: string[]; values: PreferencesFormValues };

/** Messages a person can act on: the field in words, then what is wrong. */
function describe(issue: z.core.$ZodIssue): string {
  const field = String(issue.path[0] ?? '');
  const names: Record<string, string> = { frequency: 'How often', sendHour: 'Send at', timezone: 'Time zone', papersPerMail: 'Papers per mail', topics: 'Topics' };
  return `${names[field] ?? field}: ${issue.message}.`;
}

export function parsePreferencesForm(body: unknown): PreferencesForm {
  const fields = FormFields.safeParse(body ?? {});
  const f = fields.success ? fields.data : FormFields.parse({});
  const values: PreferencesFormValues = {
    frequency: f.frequency,
    sendHour: Number(f.sendHour),
    timezone: f.timezone,
    weekends: f.weekends === 'on' || f.weekends === '1' || f.weekends === 'true',
    papersPerMail: f.papersPerMail,
    queries: f.queries,
    categories: f.categories,
    authors: f.authors,
  };
  if (!fields.success) return { ok: false, errors: ['Some fields were too long.'], values };
  const parsed = PreferencesSchema.safeParse({ ...values, topics: topicsOf(values) });
  if (!parsed.success) return { ok: false, errors: parsed.error.issues.map(describe), values };
  return { ok: true, preferences: parsed.data, values };
}
