import { z } from 'zod';
import { Platform, Uuid } from './common';

/**
 * Adapter health: which helpdesk selectors matched with their primary candidate, only with a
 * fallback, or not at all, counted in tickets. Only counts and our own selector names travel;
 * never page text, never a ticket id.
 */
export const SELECTOR_OUTCOMES = ['primary', 'fallback', 'failed'] as const;
export const SelectorOutcome = z.enum(SELECTOR_OUTCOMES);
export type SelectorOutcome = z.infer<typeof SelectorOutcome>;

export const ADAPTER_HEALTH_LIMITS = {
  /** Day rows (site × day) in one report. */
  ticketRows: 200,
  /** Selector rows (site × day × selector × outcome) in one report. */
  selectorRows: 5_000,
  /** Tickets one install can count for one day (a generous ceiling on what an agent opens). */
  ticketsPerDay: 100_000,
  /** Candidates in one selector list; a fallback names its position. */
  candidates: 32,
  /** Days back a report may count (an install offline longer than this sends counts nobody reads any more). */
  maxAgeDays: 31,
} as const;

/** A selector table key, as the adapters name them (`subject`, `field:Case Number`): ours, never page text. */
export const SelectorKey = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z][A-Za-z0-9:_. -]*$/, 'must be a selector key (letters, digits, ":", "_", ".", "-", space)');

/** A UTC calendar day, `YYYY-MM-DD`. */
export const HealthDay = z.iso.date();

const ticketCount = z.int().min(1).max(ADAPTER_HEALTH_LIMITS.ticketsPerDay);

/** Tickets whose page the adapter looked at, per site and day: the denominator of every selector row. */
export const AdapterHealthTickets = z.strictObject({ day: HealthDay, site: Platform, tickets: ticketCount });
export type AdapterHealthTickets = z.infer<typeof AdapterHealthTickets>;

/**
 * On how many tickets a selector's best match was this outcome. `candidate` is the matching
 * candidate's position in the selector list (0 the primary); absent when it failed.
 */
export const AdapterHealthSelector = z
  .strictObject({
    day: HealthDay,
    site: Platform,
    selector: SelectorKey,
    outcome: SelectorOutcome,
    candidate: z.int().min(0).max(ADAPTER_HEALTH_LIMITS.candidates - 1).optional(),
    tickets: ticketCount,
  })
  .refine(
    (s) => (s.outcome === 'failed' ? s.candidate === undefined : s.outcome === 'primary' ? s.candidate === 0 : s.candidate !== undefined && s.candidate > 0),
    { path: ['candidate'], message: 'primary is candidate 0, a fallback names its candidate (1 or more), failed has none' },
  );
export type AdapterHealthSelector = z.infer<typeof AdapterHealthSelector>;

/**
 * What an extension sends with `POST /v1/sync` (`adapterHealth`): the counts it gathered since the
 * last report the server acknowledged. The id is the report's, generated on the device when the
 * report is sealed; a retried sync resends the same id, and the server counts a report once.
 */
export const AdapterHealthReport = z.strictObject({
  id: Uuid,
  /** The extension's manifest version: a selector that broke with a release shows as that version's. */
  extensionVersion: z
    .string()
    .max(32)
    .regex(/^\d+(\.\d+){0,3}$/, 'must be a manifest version such as 1.4.2'),
  tickets: z.array(AdapterHealthTickets).max(ADAPTER_HEALTH_LIMITS.ticketRows),
  selectors: z.array(AdapterHealthSelector).max(ADAPTER_HEALTH_LIMITS.selectorRows),
});
export type AdapterHealthReport = z.infer<typeof AdapterHealthReport>;

/** The server's answer about the report: counted now, counted before (a retry), or refused (the annotations are unaffected). */
export const AdapterHealthResult = z.strictObject({
  id: z.string().nullable(),
  status: z.enum(['stored', 'duplicate', 'rejected']),
  error: z.strictObject({ message: z.string(), paths: z.array(z.string()) }).optional(),
});
export type AdapterHealthResult = z.infer<typeof AdapterHealthResult>;

/** metrics.ts's `Rate`, written out here so metrics.ts can carry these rows without an import cycle. */
const Rate = z.strictObject({
  rate: z.number().min(0).max(1).nullable(),
  numerator: z.int().min(0),
  denominator: z.int().min(0),
});

/** One selector outcome on one day, site and extension version, in `GET /v1/metrics`. */
export const AdapterHealthSelectorMetric = z.strictObject({
  selector: SelectorKey,
  outcome: SelectorOutcome,
  /** The candidate that matched (0 the primary), null when it failed. */
  candidate: z.int().min(0).nullable(),
  /** Tickets with this outcome / tickets the adapter looked at that day. */
  tickets: Rate,
});
export type AdapterHealthSelectorMetric = z.infer<typeof AdapterHealthSelectorMetric>;

export const AdapterHealthDay = z.strictObject({
  day: HealthDay,
  site: Platform,
  extensionVersion: z.string(),
  /** Tickets looked at, summed over installs (two agents on one ticket count twice). */
  tickets: z.int().min(0),
  /** Failed first, then fallbacks, then primaries; within each, the most tickets first. */
  selectors: z.array(AdapterHealthSelectorMetric),
});
export type AdapterHealthDay = z.infer<typeof AdapterHealthDay>;
