import {
  ContentMessage,
  Impression,
  PageMessage,
  PanelPrefs,
  describeIssues,
  type MessageError,
  type OverlayStatus,
} from '../contract';
import { BackendError, postJson, type BackendTarget } from '../backend/client';
import { CaptureError, amendAdoption, captureAnnotation } from '../outbox/capture';
import { clientIdOf, type OverlayDb } from '../outbox/db';
import { readSyncState } from '../outbox/sync';
import type { SyncLoop } from '../outbox/sync-loop';
import { SettingsError, effectiveSettings, saveSettings, settingsView } from '../settings/settings';

export interface BackgroundDeps {
  db: OverlayDb;
  loop: SyncLoop;
  /** Injects the panel's code into a tab's frame (browser.scripting in the extension). */
  injectOverlay?: (tabId: number, frameId: number) => Promise<void>;
  random?: () => number;
  fetch?: typeof fetch;
}

const fail = (code: string, message: string) => ({ ok: false as const, error: { code, message } satisfies MessageError });

export async function backendTarget(db: OverlayDb): Promise<BackendTarget | null> {
  const { settings } = await effectiveSettings(db);
  return settings.backendUrl && settings.token ? { backendUrl: settings.backendUrl, token: settings.token } : null;
}

export async function overlayStatus(db: OverlayDb): Promise<OverlayStatus> {
  const [state, pending, deadLetters, { settings }] = await Promise.all([readSyncState(db), db.outbox.count(), db.deadLetters.count(), effectiveSettings(db)]);
  const configured = settings.backendUrl !== '' && settings.token !== '';
  return {
    connection: configured ? (state.connection === 'unconfigured' ? 'ok' : state.connection) : 'unconfigured',
    pending,
    deadLetters,
    lastSyncAt: state.lastSyncAt ? new Date(state.lastSyncAt).toISOString() : null,
    nextAttemptAt: state.nextAttemptAt ? new Date(state.nextAttemptAt).toISOString() : null,
    lastError: configured ? state.lastError : 'Open the AITL options and set the backend URL and your agent token.',
    enabledSites: settings.enabledSites,
  };
}

/** Panel preferences are remembered per agent: keyed by a hash of the token, never the token. */
async function prefsKey(db: OverlayDb): Promise<string> {
  const { settings } = await effectiveSettings(db);
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(settings.token));
  return `panelPrefs:${[...new Uint8Array(digest).slice(0, 8)].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/** Messages from a helpdesk tab's content script (sender already checked). */
export async function handleContentMessage(deps: BackgroundDeps, raw: unknown, sender: { tabId: number; frameId: number } = { tabId: -1, frameId: 0 }) {
  const parsed = ContentMessage.safeParse(raw);
  if (!parsed.success) return fail('bad_message', `message refused: ${describeIssues(parsed.error)}`);
  const message = parsed.data;
  const { db } = deps;
  switch (message.kind) {
    case 'overlay.load': {
      const { settings } = await effectiveSettings(db);
      if (!deps.injectOverlay) return fail('unsupported', 'cannot show the panel here');
      try {
        await deps.injectOverlay(sender.tabId, sender.frameId);
        return { ok: true as const };
      } catch (error) {
        return fail('inject', `could not show the AITL panel (${(error as Error).message}); enabled sites: ${settings.enabledSites.join(', ') || 'none'}`);
      }
    }
    case 'ticket.suggest': {
      const target = await backendTarget(db);
      if (!target) return fail('unconfigured', 'AITL is not set up yet: open its options and set the backend URL and your agent token.');
      const { settings } = await effectiveSettings(db);
      const pairwise = (deps.random ?? Math.random)() < settings.pairwiseSamplingRate;
      try {
        const body = await postJson(target, '/v1/suggestions', { context: message.context, pairwise }, { fetch: deps.fetch, timeoutMs: 60_000 });
        const impression = Impression.safeParse(body);
        if (!impression.success) return fail('bad_reply', `the backend sent a suggestion AITL cannot read (${describeIssues(impression.error)}); update the extension or the backend`);
        return { ok: true as const, impression: impression.data };
      } catch (error) {
        const code = error instanceof BackendError ? (error.unreachable ? 'offline' : `http_${error.status}`) : 'error';
        return fail(code, (error as Error).message);
      }
    }
    case 'annotation.capture': {
      try {
        const id = await captureAnnotation(db, message.annotation, await clientIdOf(db), { holdMs: message.holdMs });
        void deps.loop.request('captured');
        return { ok: true as const, id };
      } catch (error) {
        if (error instanceof CaptureError) return fail(error.code, error.message);
        // Storage full or broken: say so; the panel keeps the click and offers to retry.
        return fail('storage', `could not save the annotation on this device (${(error as Error).message}); free disk space and retry`);
      }
    }
    case 'annotation.amend': {
      try {
        await amendAdoption(db, message.id, { rationaleTags: message.rationaleTags, rationaleText: message.rationaleText });
        void deps.loop.request('captured');
        return { ok: true as const, id: message.id };
      } catch (error) {
        if (error instanceof CaptureError) return fail(error.code, error.message);
        return fail('storage', `could not save the rationale (${(error as Error).message})`);
      }
    }
    case 'overlay.status':
      return { ok: true as const, status: await overlayStatus(db) };
    case 'panel.prefs.get': {
      const prefs = PanelPrefs.safeParse(await db.getValue(await prefsKey(db)));
      return { ok: true as const, prefs: prefs.success ? prefs.data : { collapsed: false } };
    }
    case 'panel.prefs.set':
      await db.setValue(await prefsKey(db), message.prefs);
      return { ok: true as const };
  }
}

/** Messages from the extension's own pages: options and popup (sender already checked). */
export async function handlePageMessage(deps: BackgroundDeps, raw: unknown) {
  const parsed = PageMessage.safeParse(raw);
  if (!parsed.success) return fail('bad_message', `message refused: ${describeIssues(parsed.error)}`);
  const message = parsed.data;
  const { db } = deps;
  switch (message.kind) {
    case 'settings.get':
      return { ok: true as const, view: settingsView(await effectiveSettings(db)) };
    case 'settings.save':
      try {
        await saveSettings(db, message.settings);
      } catch (error) {
        if (error instanceof SettingsError) return fail('invalid', error.message);
        throw error;
      }
      void deps.loop.request('settings');
      return { ok: true as const, view: settingsView(await effectiveSettings(db)) };
    case 'sync.now':
      await deps.loop.request('manual');
      return { ok: true as const, status: await overlayStatus(db) };
    case 'deadLetters.list':
      return { ok: true as const, deadLetters: await db.deadLetters.orderBy('movedAt').toArray() };
    case 'overlay.status':
      return { ok: true as const, status: await overlayStatus(db) };
  }
}
