import { browser } from 'wxt/browser';
import { z } from 'zod';
import { OverlaySettings, type DeadLetter, type EnrolmentView, type OverlayStatus, type SettingsView } from '../contract';
import { BackendError } from '../backend/client';
import { checkConnection, type ConnectionCheck } from '../backend/connection-check';
import { defineService, type Reply, type ServiceOf } from '../messaging/background-service';
import { isExtensionPage } from '../messaging/sender';
import type { OverlayDb } from '../outbox/db';
import type { SyncLoop } from '../outbox/sync-loop';
import type { SettingsDb } from '../settings/settings-db';
import { SettingsError, effectiveSettings, normalizeBackendUrl, saveSettings, settingsView } from '../settings/settings';
import { SignInError, signInWithCompany, type CompanySignInDeps } from './company-sign-in';
import { AgentEnrolment, forgetEnrolment } from './enrolment';
import { overlayStatus } from './overlay-status';

export interface PagesServiceDeps {
  outbox: OverlayDb;
  settings: SettingsDb;
  loop: Pick<SyncLoop, 'request'>;
  /** Runs after the settings changed (the background re-registers the custom sites' content script). */
  onSettingsSaved?: () => Promise<void>;
  fetch?: typeof fetch;
  /** Self-enrolment, shared with the panel service (one attempt at a time). */
  enrolment?: AgentEnrolment;
  /** `browser.identity`, for company sign-in. */
  identity?: Pick<CompanySignInDeps, 'launchWebAuthFlow' | 'redirectUrl'>;
}

const fail = (code: string, message: string) => ({ ok: false as const, error: { code, message } });

/**
 * What the extension's own pages (options, popup) may ask the background worker: the settings
 * (never the token or the enrollment key themselves), a sync now, the dead letters, the sync
 * status, who the agent is enrolled as, and company sign-in. No helpdesk tab is answered.
 */
export const pagesService = (deps: PagesServiceDeps) => {
  const enrolment = deps.enrolment ?? new AgentEnrolment(deps);
  return defineService({
    name: 'pages',
    admit: (sender) => (isExtensionPage(sender, browser.runtime.id, browser.runtime.getURL('/')) ? {} : null),
    args: {
      settings: z.tuple([]),
      saveSettings: z.tuple([OverlaySettings.partial()]),
      syncNow: z.tuple([]),
      deadLetters: z.tuple([]),
      status: z.tuple([]),
      enrolment: z.tuple([]),
      retryEnrolment: z.tuple([]),
      signInWithCompany: z.tuple([]),
      testConnection: z.tuple([OverlaySettings.pick({ backendUrl: true, token: true }).partial()]),
    },
    methods: () => ({
      async settings(): Promise<Reply<{ view: SettingsView }>> {
        return { ok: true, view: settingsView(await effectiveSettings(deps.settings)) };
      },

      async saveSettings(changes: Partial<OverlaySettings>): Promise<Reply<{ view: SettingsView }>> {
        try {
          await saveSettings(deps.settings, changes);
          // A pasted token is the agent's choice: the enrolled identity no longer describes it.
          if (changes.token) await forgetEnrolment(deps.settings);
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

      /** Who this install is enrolled as, or why not; and whether company sign-in is offered. */
      async enrolment(): Promise<Reply<{ enrolment: EnrolmentView }>> {
        return { ok: true, enrolment: await enrolment.view() };
      },

      /** The agent's "Try again" after a refusal or while a retry is waiting. */
      async retryEnrolment(): Promise<Reply<{ enrolment: EnrolmentView }>> {
        await enrolment.retry({ force: true });
        return { ok: true, enrolment: await enrolment.view() };
      },

      /**
       * The options page's "Test connection", with what is typed in the form (not yet saved) over
       * what is saved; a setting locked by policy is always the policy's. The saved token is only
       * ever sent to the saved backend: testing a new address needs the token typed too.
       */
      async testConnection(draft: { backendUrl?: string; token?: string }): Promise<Reply<{ check: ConnectionCheck }>> {
        const { settings, locked } = await effectiveSettings(deps.settings);
        const typedUrl = locked.includes('backendUrl') || !draft.backendUrl ? '' : normalizeBackendUrl(draft.backendUrl);
        const backendUrl = typedUrl || settings.backendUrl;
        if (!backendUrl) return fail('unconfigured', 'Type the backend URL first (e.g. https://aitl.example.com).');
        const typedToken = locked.includes('token') ? '' : (draft.token?.trim() ?? '');
        const token = typedToken || (backendUrl === settings.backendUrl ? settings.token : '');
        const check = await checkConnection({ backendUrl, token }, { fetch: deps.fetch });
        if (!token && settings.token && backendUrl !== settings.backendUrl) {
          check.owner = { ok: false, message: 'The saved token is only sent to the saved backend: paste the token too, or save first.' };
        }
        return { ok: true, check };
      },

      async signInWithCompany(): Promise<Reply<{ enrolment: EnrolmentView }>> {
        if (!deps.identity) return fail('unsupported', 'company sign-in is not available in this browser');
        try {
          await signInWithCompany({ ...deps, ...deps.identity });
        } catch (error) {
          if (error instanceof SignInError || error instanceof BackendError) return fail('sign_in', `Company sign-in failed: ${error.message}.`);
          throw error;
        }
        return { ok: true, enrolment: await enrolment.view() };
      },
    }),
  });
};

/** The pages service as the options page and popup call it (`backgroundService<PagesService>('pages')`). */
export type PagesService = ServiceOf<ReturnType<typeof pagesService>>;
