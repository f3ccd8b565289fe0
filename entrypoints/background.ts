import { browser } from 'wxt/browser';
import { defineBackground } from 'wxt/utils/define-background';
import { backendTarget, handleContentMessage, handlePageMessage, overlayStatus, type BackgroundDeps } from '../lib/background/handlers';
import type { AnnotationCapture } from '../lib/contract';
import { captureAnnotation } from '../lib/outbox/capture';
import { isExtensionPage, isHelpdeskContentScript } from '../lib/messaging/sender';
import { clientIdOf, OverlayDb } from '../lib/outbox/db';
import { SyncLoop } from '../lib/outbox/sync-loop';

const SYNC_ALARM = 'aitl-sync';

// The background service worker owns the token, the outbox (IndexedDB) and every backend call;
// content scripts reach it only through typed, validated runtime messages.
export default defineBackground(() => {
  const db = new OverlayDb();
  const loop = new SyncLoop({ db, target: () => backendTarget(db), clientId: () => clientIdOf(db) });
  const deps: BackgroundDeps = {
    db,
    loop,
    injectOverlay: async (tabId, frameId) => {
      await browser.scripting.executeScript({ target: { tabId, frameIds: [frameId] }, files: ['/overlay.js'] });
    },
  };
  const extensionOrigin = browser.runtime.getURL('/');

  browser.runtime.onMessage.addListener((message, sender, sendResponse) => {
    let handled: Promise<unknown>;
    if (isExtensionPage(sender, browser.runtime.id, extensionOrigin)) handled = handlePageMessage(deps, message);
    else if (isHelpdeskContentScript(sender, browser.runtime.id)) handled = handleContentMessage(deps, message, { tabId: sender.tab!.id!, frameId: sender.frameId ?? 0 });
    else return false; // not for us: no answer at all
    handled.then(sendResponse, (error: unknown) =>
      sendResponse({ ok: false, error: { code: 'internal', message: `AITL background error: ${(error as Error)?.message ?? error}` } }),
    );
    return true; // answers asynchronously
  });

  // MV3 workers are terminated when idle: the alarm wakes one to retry the outbox. Backoff state
  // is in IndexedDB, so the retry honours it across restarts.
  void browser.alarms.get(SYNC_ALARM).then((alarm) => {
    if (!alarm) void browser.alarms.create(SYNC_ALARM, { periodInMinutes: 1 });
  });
  browser.alarms.onAlarm.addListener((alarm) => {
    if (alarm.name === SYNC_ALARM) void loop.request('alarm');
  });
  globalThis.addEventListener('online', () => void loop.request('online'));
  browser.storage.managed?.onChanged?.addListener(() => void loop.request('settings'));
  void loop.request('startup');

  // For support (chrome://inspect on this worker) and the benchmarks in bench/: only this worker's
  // own JS realm can reach it; no page or content script can.
  Object.assign(globalThis, {
    aitl: {
      db,
      loop,
      status: () => overlayStatus(db),
      clientId: () => clientIdOf(db),
      capture: async (annotation: AnnotationCapture) => captureAnnotation(db, annotation, await clientIdOf(db)),
    },
  });
});
