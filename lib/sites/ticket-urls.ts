import type { Platform } from '../contract';

/**
 * Where each helpdesk's tickets live. This is all the content script looks at on a page that is
 * not a ticket: it loads the panel code only once a ticket URL shows up.
 */
export const TICKET_URLS = {
  zendesk: {
    host: /^[a-z0-9][a-z0-9-]*\.zendesk\.com$/i,
    /** `/agent/tickets/123`, `/agent/tickets/123/events`, `/agent/workspaces/123`. */
    paths: [/^\/agent\/tickets\/(\d+)(?:\/|$)/, /^\/agent\/workspaces\/(\d+)(?:\/|$)/],
  },
  salesforce: {
    host: /^[a-z0-9][a-z0-9-]*(?:--[a-z0-9]+)?\.lightning\.force\.com$/i,
    paths: [/^\/lightning\/r\/Case\/([A-Za-z0-9]{15,18})\/view(?:\/|$)/],
  },
} as const satisfies Record<Platform, { host: RegExp; paths: readonly RegExp[] }>;

export function platformOfHost(hostname: string): Platform | null {
  for (const platform of Object.keys(TICKET_URLS) as Platform[]) if (TICKET_URLS[platform].host.test(hostname)) return platform;
  return null;
}

/** The ticket id in a ticket URL of the given helpdesk, or null. */
export function ticketIdOf(platform: Platform, url: URL): string | null {
  const site = TICKET_URLS[platform];
  if (!site.host.test(url.hostname)) return null;
  for (const pattern of site.paths) {
    const match = pattern.exec(url.pathname);
    if (match) return match[1]!;
  }
  return null;
}
