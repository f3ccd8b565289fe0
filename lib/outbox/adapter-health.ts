import { ADAPTER_HEALTH_LIMITS, type AdapterHealthSelector, type AdapterHealthTickets, type Platform } from '../contract';
import type { SelectorOutcomes } from '../sites/selector-table';
import type { HealthPending, SealedHealthReport } from './adapter-health-rows';
import type { OverlayDb } from './db';

/**
 * Adapter health on the device: per ticket, which candidate of each selector matched, counted per
 * (day, site, extension version, selector, outcome) in distinct tickets. A ticket is known here
 * only by a hash of its id (to count it once) and that hash never leaves the device: the server
 * gets counts. Pending counts are sealed into one report at a time, under an id of its own, and
 * sent with a sync until the server acknowledges that id (a replay of the same id counts once).
 */

/** Counted tickets are remembered this many days, then forgotten (only today's can still grow). */
const SEEN_DAYS = 2;
/** The denominator's row: tickets whose page the adapter looked at. */
const TICKET_ROW = '';

export interface SelectorObservation {
  site: Platform;
  ticketId: string;
  extensionVersion: string;
  outcomes: SelectorOutcomes;
  now?: number;
}

const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** A ticket's identity for counting it once: SHA-256 of site and id, never stored in the clear nor sent. */
async function ticketHash(site: Platform, ticketId: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`${site}\u0000${ticketId}`));
  return [...new Uint8Array(digest.slice(0, 12))].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** Counts one look at a ticket: each selector's outcome once per ticket and day, and the ticket itself. */
export async function recordSelectorHealth(db: OverlayDb, observation: SelectorObservation): Promise<void> {
  const now = observation.now ?? Date.now();
  const day = utcDay(now);
  const { site, extensionVersion } = observation;
  const hash = await ticketHash(site, observation.ticketId);
  const rows: [string, number][] = [[TICKET_ROW, 0]];
  for (const [selector, candidate] of Object.entries(observation.outcomes)) {
    if (selector === TICKET_ROW) continue;
    const index = candidate ?? -1;
    if (index >= ADAPTER_HEALTH_LIMITS.candidates) continue;
    rows.push([selector, index]);
  }
  await db.transaction('rw', db.healthSeen, db.healthPending, async () => {
    const keys = rows.map(([selector, candidate]) => `${day}|${site}|${extensionVersion}|${selector}|${candidate}`);
    const seenKeys = keys.map((k) => `${k}|${hash}`);
    const seen = await db.healthSeen.bulkGet(seenKeys);
    const fresh = rows.map((row, i) => ({ row, key: keys[i]!, seenKey: seenKeys[i]! })).filter((_, i) => !seen[i]);
    if (fresh.length === 0) return;
    await db.healthSeen.bulkPut(fresh.map((f) => ({ key: f.seenKey, day })));
    const pending = await db.healthPending.bulkGet(fresh.map((f) => f.key));
    await db.healthPending.bulkPut(
      fresh.map(({ row: [selector, candidate], key }, i) => ({
        key,
        day,
        site,
        extensionVersion,
        selector,
        candidate,
        tickets: Math.min(ADAPTER_HEALTH_LIMITS.ticketsPerDay, (pending[i]?.tickets ?? 0) + 1),
      })),
    );
    await db.healthSeen.where('day').below(utcDay(now - SEEN_DAYS * 86_400_000)).delete();
  });
}

const outcomeOf = (candidate: number): Pick<AdapterHealthSelector, 'outcome' | 'candidate'> =>
  candidate < 0 ? { outcome: 'failed' } : candidate === 0 ? { outcome: 'primary', candidate: 0 } : { outcome: 'fallback', candidate };

/**
 * The report to send: the one sealed before (not acknowledged yet: sent again under the same id),
 * or a new one sealed from the pending counts of one extension version, within the contract's
 * limits (what does not fit stays pending for the next report). Null when there is nothing to say.
 */
export async function nextHealthReport(db: OverlayDb, now = Date.now()): Promise<SealedHealthReport | null> {
  return db.transaction('rw', db.healthPending, db.healthOutbox, async () => {
    const sealed = await db.healthOutbox.orderBy('sealedAt').first();
    if (sealed) return sealed;
    // Counts older than the server accepts (an install that could not sync for weeks) would get the
    // whole report refused, fresh counts with it: they are dropped here instead.
    const oldest = utcDay(now - (ADAPTER_HEALTH_LIMITS.maxAgeDays - 1) * 86_400_000);
    await db.healthPending.filter((r) => r.day < oldest).delete();
    const first = await db.healthPending.orderBy('key').first();
    if (!first) return null;
    const rows = await db.healthPending.where('extensionVersion').equals(first.extensionVersion).toArray();
    const ticketRows = rows.filter((r) => r.selector === TICKET_ROW).slice(0, ADAPTER_HEALTH_LIMITS.ticketRows);
    const selectorRows = rows.filter((r) => r.selector !== TICKET_ROW).slice(0, ADAPTER_HEALTH_LIMITS.selectorRows);
    const tickets: AdapterHealthTickets[] = ticketRows.map((r) => ({ day: r.day, site: r.site, tickets: r.tickets }));
    const selectors: AdapterHealthSelector[] = selectorRows.map((r) => ({ day: r.day, site: r.site, selector: r.selector, ...outcomeOf(r.candidate), tickets: r.tickets }));
    const report: SealedHealthReport = {
      id: crypto.randomUUID(),
      report: { id: '', extensionVersion: first.extensionVersion, tickets, selectors },
      sealedAt: now,
    };
    report.report.id = report.id;
    await db.healthPending.bulkDelete([...ticketRows, ...selectorRows].map((r) => r.key));
    await db.healthOutbox.put(report);
    return report;
  });
}

/** The server counted the report (or had counted it before), or refused it for good: the device forgets it. */
export async function settleHealthReport(db: OverlayDb, id: string): Promise<void> {
  await db.healthOutbox.delete(id);
}

/** Whether anything waits to be reported (sealed or pending). */
export async function healthWaiting(db: OverlayDb): Promise<boolean> {
  return (await db.healthOutbox.count()) > 0 || (await db.healthPending.count()) > 0;
}
