import type { Platform } from '../contract';
import { rtAdapter } from './rt/adapter';
import { salesforceAdapter } from './salesforce/adapter';
import { ticketIdInPath } from './ticket-urls';
import type { HelpdeskAdapter } from './types';
import { zendeskAdapter } from './zendesk/adapter';

export const ADAPTERS: Record<Platform, HelpdeskAdapter> = { zendesk: zendeskAdapter, salesforce: salesforceAdapter, rt: rtAdapter };

/** The adapter for this page's host, or null (then the content script does nothing at all). */
export function adapterForHost(hostname: string): HelpdeskAdapter | null {
  return Object.values(ADAPTERS).find((a) => a.matchesHost(hostname)) ?? null;
}

/**
 * The adapter for a custom site (a helpdesk on its owner's host, which the background vouched
 * for): the same adapter, reading ticket URLs whatever the host.
 */
export function adapterForCustomSite(platform: Platform): HelpdeskAdapter {
  const adapter = ADAPTERS[platform];
  return { ...adapter, matchesHost: () => true, ticketIdFromUrl: (url) => ticketIdInPath(platform, url) };
}

export type { ActiveTicket, ComposerHandle, HelpdeskAdapter, InsertResult, SentEvent } from './types';
