import type { Browser } from 'wxt/browser';
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

export function isHelpdeskContentScript(sender: Sender, runtimeId: string): boolean {
  if (sender.id !== runtimeId || !sender.tab || sender.frameId !== 0 || !sender.url) return false;
  let url: URL;
  try {
    url = new URL(sender.url);
  } catch {
    return false;
  }
  return url.protocol === 'https:' && platformOfHost(url.hostname) !== null;
}
