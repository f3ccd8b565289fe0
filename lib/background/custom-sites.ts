import { browser } from 'wxt/browser';
import type { CustomSite, Platform } from '../contract';
import { normalizeCustomSites } from '../settings/settings';

/** Registered content scripts of custom sites are named `aitl-site:<origin>`; nothing else uses the prefix. */
const ID_PREFIX = 'aitl-site:';
/** The helpdesk content script as WXT builds it (entrypoints/helpdesk.content.ts). */
const HELPDESK_SCRIPT = 'content-scripts/helpdesk.js';

export const originPattern = (origin: string) => `${origin}/*`;
const scriptId = (origin: string) => `${ID_PREFIX}${origin}`;

type Api = Pick<typeof browser, 'permissions' | 'scripting'>;

/**
 * Makes the registered content scripts match the custom sites in force: one per origin the agent
 * (or the admin's policy) named and whose host permission was granted; a site removed, or whose
 * permission was taken back, loses its script. The static manifest's hosts never change.
 */
export async function syncCustomSites(sites: CustomSite[], api: Api = browser): Promise<{ registered: string[]; awaitingPermission: string[] }> {
  const wanted = new Map<string, CustomSite>();
  const awaitingPermission: string[] = [];
  for (const site of normalizeCustomSites(sites)) {
    if (await api.permissions.contains({ origins: [originPattern(site.origin)] })) wanted.set(scriptId(site.origin), site);
    else awaitingPermission.push(site.origin);
  }
  const current = (await api.scripting.getRegisteredContentScripts()).filter((s) => s.id.startsWith(ID_PREFIX));
  const stale = current.filter((s) => !wanted.has(s.id)).map((s) => s.id);
  if (stale.length > 0) await api.scripting.unregisterContentScripts({ ids: stale });
  const have = new Set(current.map((s) => s.id));
  const fresh = [...wanted].filter(([id]) => !have.has(id));
  if (fresh.length > 0) {
    await api.scripting.registerContentScripts(
      fresh.map(([id, site]) => ({ id, matches: [originPattern(site.origin)], js: [HELPDESK_SCRIPT], runAt: 'document_end' as const, allFrames: false, persistAcrossSessions: true })),
    );
  }
  return { registered: [...wanted.values()].map((s) => s.origin), awaitingPermission };
}

/** The helpdesk a custom site's page belongs to, or null when no custom site names its origin. */
export function customPlatformOf(pageUrl: string, sites: CustomSite[]): Platform | null {
  let origin: string;
  try {
    origin = new URL(pageUrl).origin;
  } catch {
    return null;
  }
  return normalizeCustomSites(sites).find((s) => s.origin === origin)?.platform ?? null;
}
