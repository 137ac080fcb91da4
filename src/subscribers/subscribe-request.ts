/**
 * What a subscribe request may carry, for the HTML form (lenient about the
 * time-zone hint, which comes from the visitor's browser) and the JSON API
 * (strict: a client that sends a bad zone is told so).
 */
import { z } from 'zod';
import { FREQUENCIES, type Frequency } from './subscriber-tables.js';
import { TimeZoneSchema, timeZoneOrUtc, TopicsSchema, type Topic } from './preferences.js';

export interface SubscribeRequest {
  email: string;
  frequency: Frequency;
  timezone: string;
  /** Only the API sets topics at sign-up; absent means "keep what is stored". */
  topics?: Topic[];
  source: 'form' | 'api';
}

/** RFC 5321 caps a path at 254 characters; addresses are compared lower-cased. */
const Email = z
  .string()
  .trim()
  .max(254, 'too long')
  .pipe(z.email('not an email address'))
  .transform((e) => e.toLowerCase());

export const SubscribeFormSchema = z
  .object({
    email: Email,
    frequency: z.enum(FREQUENCIES).catch('daily'),
    timezone: z.string().max(100).optional().catch(undefined).transform(timeZoneOrUtc),
  })
  .transform((f): SubscribeRequest => ({ ...f, source: 'form' }));

export const SubscribeApiSchema = z
  .object({
    email: Email,
    frequency: z.enum(FREQUENCIES).default('daily'),
    timezone: TimeZoneSchema.default('UTC'),
    topics: TopicsSchema.optional(),
  })
  .strict()
  .transform((f): SubscribeRequest => ({ ...f, source: 'api' }));
