import { z } from 'zod';
import { PLATFORMS, SLOTS } from './values';

/**
 * Text that Postgres can store as-is: no NUL characters (text and jsonb reject them) and no lone
 * UTF-16 surrogates (jsonb rejects them as invalid Unicode escapes).
 */
export const text = (max: number) =>
  z
    .string()
    .max(max)
    .refine((s) => !s.includes('\u0000'), 'must not contain NUL characters')
    .refine((s) => s.isWellFormed(), 'must be well-formed Unicode (no lone surrogates)');

/** Text that must say something: at least one non-space character. */
export const nonBlankText = (max: number) =>
  text(max).refine((s) => s.trim().length > 0, 'must not be blank');

/** Client-generated, time-ordered ids (RFC 9562 UUIDv7). */
export const Uuid7 = z.uuid({ version: 'v7' });
/** Any RFC 9562 UUID (server-assigned ids such as articles). */
export const Uuid = z.uuid();
export const IsoDateTime = z.iso.datetime({ offset: true });

export const Platform = z.enum(PLATFORMS);
export type Platform = z.infer<typeof Platform>;

/** Which ticket an event belongs to, as the helpdesk names it. */
export const TicketRef = z.strictObject({
  platform: Platform,
  ticketId: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9_-]+$/, 'must be a helpdesk ticket id (letters, digits, - and _)'),
});
export type TicketRef = z.infer<typeof TicketRef>;

/** The two reply arms of a suggestion, as labelled in the impression (not as displayed). */
export const Slot = z.enum(SLOTS);
export type Slot = z.infer<typeof Slot>;

/** Left-to-right order in which two arms were shown side by side. */
export const PairOrder = z.union([z.tuple([z.literal('A'), z.literal('B')]), z.tuple([z.literal('B'), z.literal('A')])]);
export type PairOrder = z.infer<typeof PairOrder>;

export const Probability = z.number().min(0).max(1);
