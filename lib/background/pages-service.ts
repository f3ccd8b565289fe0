import { browser } from 'wxt/browser';
import { z } from 'zod';
import { OverlaySettings, type DeadLetter, type OverlayStatus, type SettingsView } from '../contract';
import { defineService, type Reply, type ServiceOf } from '../messaging/background-service';
import { isExtensionPage } from '../messaging/sender';
import type { OverlayDb } from '../outbox/db';
import type { SyncLoop } from '../outbox/sync-loop';
import type { SettingsDb } from '../settings/settings-db';
import { SettingsError, effectiveSettings, saveSettings, settingsView } from '../settings/settings';
import { overlayStatus } from './overlay-status';

export interface PagesServiceDeps {
  outbox: OverlayDb;
  settings: SettingsDb;
  loop: Pick<SyncLoop, 'request'>;
  /** Runs after the settings changed (the background re-registers the custom sites' content script). */
  onSettingsSaved?: () => Promise<void>;
}

const fail = (code: string, message: string) => ({ ok: false as const, error: { code, message } });

/**
 * What the extension's own pages (options, popup) may ask the background worker: the settings
 * (never the token itself), a sync now, the dead letters, the sync status. No helpdesk tab is answered.
 */
export const pagesService = (deps: PagesServiceDeps) =>
  defineService({
    name: 'pages',
    admit: (sender) => (isExtensionPage(sender, browser.runtime.id, browser.runtime.getURL('/')) ? {} : null),
    args: {
      settings: z.tuple([]),
      saveSettings: z.tuple([OverlaySettings.partial()]),
      syncNow: z.tuple([]),
      deadLetters: z.tuple([]),
      status: z.tuple([]),
    },
    methods: () => ({
      async settings(): Promise<Reply<{ view: SettingsView }>> {
        return { ok: true, view: settingsView(await effectiveSettings(deps.settings)) };
      },

      async saveSettings(changes: Partial<OverlaySettings>): Promise<Reply<{ view: SettingsView }>> {
        try {
          await saveSettings(deps.settings, changes);
        } catch (error) {
          if (error instanceof SettingsError) return fail('invalid', error.message);
          throw error;
        }
        void deps.loop.request('settings');
        // Awaited: a page that saved a custom site finds its content script registered.
        await deps.onSettingsSaved?.();
        return { ok: true, view: settingsView(await effectiveSettings(deps.settings)) };
      },

      async syncNow(): Promise<Reply<{ status: OverlayStatus }>> {
        await deps.loop.request('manual');
        return { ok: true, status: await overlayStatus(deps.outbox, deps.settings) };
      },

      async deadLetters(): Promise<Reply<{ deadLetters: DeadLetter[] }>> {
        return { ok: true, deadLetters: await deps.outbox.deadLetters.orderBy('movedAt').toArray() };
      },

      async status(): Promise<Reply<{ status: OverlayStatus }>> {
        return { ok: true, status: await overlayStatus(deps.outbox, deps.settings) };
      },
    }),
  });

/** The pages service as the options page and popup call it (`backgroundService<PagesService>('pages')`). */
export type PagesService = ServiceOf<ReturnType<typeof pagesService>>;
