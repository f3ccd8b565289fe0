import { browser } from 'wxt/browser';
import { defineBackground } from 'wxt/utils/define-background';
import { forgetTab } from '../lib/background/carried-tickets';
import { syncCustomSites } from '../lib/background/custom-sites';
import { AgentEnrolment } from '../lib/background/enrolment';
import { overlayStatus } from '../lib/background/overlay-status';
import { pagesService } from '../lib/background/pages-service';
import { panelService } from '../lib/background/panel-service';
import type { AnnotationCapture, OverlaySettings } from '../lib/contract';
import { serveBackground } from '../lib/messaging/background-service';
import { captureAnnotation } from '../lib/outbox/capture';
import { clientIdOf, OverlayDb } from '../lib/outbox/db';
import { SyncLoop } from '../lib/outbox/sync-loop';
import { SettingsDb } from '../lib/settings/settings-db';
import { adoptSavedSettings, backendTarget, effectiveSettings } from '../lib/settings/settings';

const SYNC_ALARM = 'aitl-sync';

// The background service worker owns the token, the outbox (IndexedDB) and every backend call;
// helpdesk tabs and the extension's pages reach it only through its two services, which check
// every call's sender and arguments.
export default defineBackground(() => {
  const outbox = new OverlayDb();
  const settings = new SettingsDb();
  const loop = new SyncLoop({ db: outbox, target: () => backendTarget(settings), clientId: () => clientIdOf(outbox) });
  const enrolment = new AgentEnrolment({ settings, outbox, loop });
  const deps = {
    outbox,
    settings,
    loop,
    enrolment,
    identity: {
      launchWebAuthFlow: (details: { url: string; interactive: boolean }) => browser.identity.launchWebAuthFlow(details),
      redirectUrl: browser.identity.getRedirectURL(),
    },
    injectOverlay: async (tabId: number, frameId: number) => {
      await browser.scripting.executeScript({ target: { tabId, frameIds: [frameId] }, files: ['/overlay.js'] });
    },
  };
  // Custom sites (customSites): the content script is registered on each named origin once its
  // host permission is granted, and unregistered when the site is removed or the permission revoked.
  let siteSync = Promise.resolve();
  const resyncSites = () => {
    siteSync = siteSync
      .then(async () => void (await syncCustomSites((await effectiveSettings(settings)).settings.customSites)))
      .catch((error: unknown) => console.warn(`AITL: could not register the custom sites' content script: ${(error as Error).message}`));
    return siteSync;
  };
  serveBackground([panelService(deps), pagesService({ ...deps, onSettingsSaved: resyncSites })]);
  void resyncSites();
  browser.permissions.onAdded.addListener(() => void resyncSites());
  browser.permissions.onRemoved.addListener(() => void resyncSites());
  browser.tabs.onRemoved.addListener((tabId) => void forgetTab(tabId));

  // MV3 workers are terminated when idle: the alarm wakes one to retry the outbox. Backoff state
  // is in IndexedDB, so the retry honours it across restarts.
  void browser.alarms.get(SYNC_ALARM).then((alarm) => {
    if (!alarm) void browser.alarms.create(SYNC_ALARM, { periodInMinutes: 1 });
  });
  browser.alarms.onAlarm.addListener((alarm) => {
    if (alarm.name !== SYNC_ALARM) return;
    void loop.request('alarm');
    // An enrolment waiting for the backend to come back is retried on the same beat.
    void enrolment.retry();
  });
  globalThis.addEventListener('online', () => void loop.request('online'));
  browser.storage.managed?.onChanged?.addListener(() => {
    void loop.request('settings');
    void resyncSites();
  });
  void moveSettingsOutOfOutbox(outbox, settings).then(() => loop.request('startup'));

  // For support (chrome://inspect on this worker) and the benchmarks in bench/: only this worker's
  // own JS realm can reach it; no page or content script can.
  Object.assign(globalThis, {
    aitl: {
      db: outbox,
      loop,
      status: () => overlayStatus(outbox, settings),
      resyncSites,
      clientId: () => clientIdOf(outbox),
      capture: async (annotation: AnnotationCapture) => captureAnnotation(outbox, annotation, await clientIdOf(outbox)),
    },
  });
});

/**
 * Installs from before settings had their own database kept them in the outbox's: move them once.
 * (Panel preferences are not moved; the panel just starts expanded once.)
 */
async function moveSettingsOutOfOutbox(outbox: OverlayDb, settings: SettingsDb): Promise<void> {
  const legacy = await outbox.getValue<Partial<OverlaySettings>>('settings');
  if (legacy === undefined) return;
  await adoptSavedSettings(settings, legacy);
  await outbox.kv.delete('settings');
}
