import type { Platform } from '../contract';

interface TicketUrlPattern {
  /** The helpdesk's own hosts, or null when it lives only on its owners' hosts (customSites). */
  host: RegExp | null;
  /** A path whose first group is the ticket id, or a path with the id in the `idParam` query parameter. */
  paths: readonly RegExp[];
  idParam?: string;
}

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
  rt: {
    host: null,
    /** `/Ticket/Display.html?id=7`, `/Ticket/Update.html?id=7&Action=Respond`, under RT's WebPath (`/rt/...`) if it has one. */
    paths: [/^(?:\/[^?#]*)?\/Ticket\/(?:Display|Update)\.html$/],
    idParam: 'id',
  },
} as const satisfies Record<Platform, TicketUrlPattern>;

/** The helpdesk whose own hosts include this one (custom sites are the background's to know). */
export function platformOfHost(hostname: string): Platform | null {
  for (const platform of Object.keys(TICKET_URLS) as Platform[]) if ((TICKET_URLS[platform] as TicketUrlPattern).host?.test(hostname)) return platform;
  return null;
}

/** The ticket id in the path (or query) of a ticket URL of the given helpdesk, whatever its host. */
export function ticketIdInPath(platform: Platform, url: URL): string | null {
  const site: TicketUrlPattern = TICKET_URLS[platform];
  for (const pattern of site.paths) {
    const match = pattern.exec(url.pathname);
    if (!match) continue;
    const id = site.idParam ? url.searchParams.get(site.idParam) : match[1];
    if (id && /^\d+$|^[A-Za-z0-9]{15,18}$/.test(id)) return id;
  }
  return null;
}

/** The ticket id in a ticket URL on one of the helpdesk's own hosts, or null. */
export function ticketIdOf(platform: Platform, url: URL): string | null {
  const { host } = TICKET_URLS[platform] as TicketUrlPattern;
  if (host && !host.test(url.hostname)) return null;
  return ticketIdInPath(platform, url);
}
