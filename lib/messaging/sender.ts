import type { Browser } from 'wxt/browser';
import type { CustomSite, Platform } from '../contract';
import { platformOfHost } from '../sites/ticket-urls';

type Sender = Browser.runtime.MessageSender;

/**
 * Who may call what. Content scripts are the least trusted part of an extension (a compromised
 * renderer can forge their messages), so they get only the calls the panel needs, and only from a
 * helpdesk tab's top frame. Settings, manual sync and dead letters are for the extension's own pages.
 * Helpdesks are recognised by their URL patterns alone: the background carries no helpdesk page code.
 */
export function isExtensionPage(sender: Sender, runtimeId: string, extensionOrigin: string): boolean {
  if (sender.id !== runtimeId) return false;
  const url = sender.url ?? '';
  return url.startsWith(extensionOrigin);
}

export function isHelpdeskContentScript(sender: Sender, runtimeId: string, customSites: CustomSite[] = []): boolean {
  return helpdeskOfSender(sender, runtimeId, customSites) !== null;
}

/**
 * The helpdesk of a content script's top frame: one of the helpdesks' own HTTPS hosts, or an origin
 * the admin or agent named as a custom site (exactly that origin, http allowed for an intranet RT).
 */
export function helpdeskOfSender(sender: Sender, runtimeId: string, customSites: CustomSite[] = []): Platform | null {
  if (sender.id !== runtimeId || !sender.tab || sender.frameId !== 0 || !sender.url) return null;
  let url: URL;
  try {
    url = new URL(sender.url);
  } catch {
    return null;
  }
  const custom = customSites.find((site) => new URL(site.origin).origin === url.origin);
  if (custom) return custom.platform;
  return url.protocol === 'https:' ? platformOfHost(url.hostname) : null;
}
