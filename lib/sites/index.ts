import type { Platform } from '../contract';
import { salesforceAdapter } from './salesforce/adapter';
import type { HelpdeskAdapter } from './types';
import { zendeskAdapter } from './zendesk/adapter';

export const ADAPTERS: Record<Platform, HelpdeskAdapter> = { zendesk: zendeskAdapter, salesforce: salesforceAdapter };

/** The adapter for this page's host, or null (then the content script does nothing at all). */
export function adapterForHost(hostname: string): HelpdeskAdapter | null {
  return Object.values(ADAPTERS).find((a) => a.matchesHost(hostname)) ?? null;
}

export type { ActiveTicket, ComposerHandle, HelpdeskAdapter, InsertResult, SentEvent } from './types';
