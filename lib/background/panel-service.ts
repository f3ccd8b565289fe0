import { browser } from 'wxt/browser';
import { z } from 'zod';
import { ADAPTER_HEALTH_LIMITS, AnnotationCapture, CarriedTicket, HelpdeskIdentity, Impression, LIMITS, PanelPrefs, RationaleTag, SelectorKey, TicketContext, TicketRef, Uuid7, describeIssues, text, type EnrolmentState, type OverlayStatus, type Platform } from '../contract';
import { BackendError, postJson } from '../backend/client';
import { defineService, type Reply, type ServiceOf } from '../messaging/background-service';
import { helpdeskOfSender } from '../messaging/sender';
import { recordSelectorHealth } from '../outbox/adapter-health';
import { CaptureError, amendAdoption, captureAnnotation } from '../outbox/capture';
import { clientIdOf, type OverlayDb } from '../outbox/db';
import type { SyncLoop } from '../outbox/sync-loop';
import type { SettingsDb } from '../settings/settings-db';
import { backendTarget, effectiveSettings, readPanelPrefs, savePanelPrefs } from '../settings/settings';
import { forgetCarried, keepCarried, recallCarried } from './carried-tickets';
import { AgentEnrolment, notSetUpMessage } from './enrolment';
import { overlayStatus } from './overlay-status';

export interface PanelServiceDeps {
  outbox: OverlayDb;
  settings: SettingsDb;
  loop: Pick<SyncLoop, 'request'>;
  /** Injects the panel's code into a tab's frame (browser.scripting in the extension). */
  injectOverlay?: (tabId: number, frameId: number) => Promise<void>;
  random?: () => number;
  fetch?: typeof fetch;
  /** Self-enrolment, shared with the pages service (one attempt at a time). */
  enrolment?: AgentEnrolment;
  /** The extension's version, recorded with adapter health (the manifest's by default). */
  extensionVersion?: string;
}

/** Per selector key, the candidate that matched (null: none), as a tab reports it for one ticket. */
const SelectorOutcomesArg = z
  .record(SelectorKey, z.int().min(0).max(ADAPTER_HEALTH_LIMITS.candidates - 1).nullable())
  .refine((o) => Object.keys(o).length <= 200, 'at most 200 selector keys');

/** The helpdesk tab a call came from, and which helpdesk it shows. */
export interface HelpdeskTab {
  tabId: number;
  frameId: number;
  platform: Platform;
}

const fail = (code: string, message: string) => ({ ok: false as const, error: { code, message } });

/**
 * What a helpdesk tab may ask the background worker: show the panel, a suggestion for the ticket,
 * save a click, add a rationale, the sync status, the agent's panel preference, and (for
 * self-enrolment) who is signed in to the helpdesk, for the helpdesk of the tab only. Only a helpdesk
 * tab's top frame is answered, and only with arguments that pass these schemas.
 */
export const panelService = (deps: PanelServiceDeps) => {
  const enrolment = deps.enrolment ?? new AgentEnrolment(deps);
  return defineService({
    name: 'panel',
    admit: async (sender) => {
      const { settings } = await effectiveSettings(deps.settings);
      const platform = helpdeskOfSender(sender, browser.runtime.id, settings.customSites);
      return platform ? { tabId: sender.tab!.id!, frameId: sender.frameId ?? 0, platform } : null;
    },
    args: {
      site: z.tuple([]),
      loadOverlay: z.tuple([]),
      keep: z.tuple([CarriedTicket]),
      recall: z.tuple([TicketRef]),
      forget: z.tuple([TicketRef]),
      suggest: z.tuple([TicketContext]),
      // Kept on the device this long before it syncs, so a rationale asked right after a heavy
      // edit or discard can still be added (the event is immutable once it leaves the device).
      capture: z.tuple([AnnotationCapture, z.int().min(0).max(10 * 60_000).optional()]),
      amend: z.tuple([Uuid7, z.array(RationaleTag).max(RationaleTag.options.length), text(LIMITS.shortText).optional()]),
      status: z.tuple([]),
      prefs: z.tuple([]),
      savePrefs: z.tuple([PanelPrefs]),
      enrolmentWanted: z.tuple([]),
      identify: z.tuple([HelpdeskIdentity]),
      selectorHealth: z.tuple([text(LIMITS.label).min(1), SelectorOutcomesArg]),
    },
    methods: (tab: HelpdeskTab) => ({
      /** Which helpdesk this tab is (a custom site's page cannot tell from its host). */
      async site(): Promise<Reply<{ platform: Platform }>> {
        return { ok: true, platform: tab.platform };
      },

      /** A ticket URL appeared: inject the panel's code into this tab's top frame. */
      async loadOverlay(): Promise<Reply> {
        if (!deps.injectOverlay) return fail('unsupported', 'cannot show the panel here');
        try {
          await deps.injectOverlay(tab.tabId, tab.frameId);
          return { ok: true };
        } catch (error) {
          const { settings } = await effectiveSettings(deps.settings);
          return fail('inject', `could not show the AITL panel (${(error as Error).message}); enabled sites: ${settings.enabledSites.join(', ') || 'none'}`);
        }
      },

      async suggest(context: TicketContext): Promise<Reply<{ impression: Impression }>> {
        const target = await backendTarget(deps.settings);
        if (!target) return fail('unconfigured', (await notSetUpMessage(deps.settings)) ?? 'AITL is not set up yet.');
        const { settings } = await effectiveSettings(deps.settings);
        const pairwise = (deps.random ?? Math.random)() < settings.pairwiseSamplingRate;
        try {
          const body = await postJson(target, '/v1/suggestions', { context, pairwise }, { fetch: deps.fetch, timeoutMs: 60_000 });
          const impression = Impression.safeParse(body);
          if (!impression.success) return fail('bad_reply', `the backend sent a suggestion AITL cannot read (${describeIssues(impression.error)}); update the extension or the backend`);
          return { ok: true, impression: impression.data };
        } catch (error) {
          if (!(error instanceof BackendError)) return fail('error', (error as Error).message);
          const failed = fail(error.unreachable ? 'offline' : `http_${error.status}`, error.message);
          // The panel's retries wait as long as the backend asked (lib/overlay/suggestion-query.ts).
          return error.retryAfterMs === null ? failed : { ...failed, error: { ...failed.error, retryAfterMs: error.retryAfterMs } };
        }
      },

      /** Durable in the outbox before it answers: the panel says "saved" only after this. */
      async capture(annotation: AnnotationCapture, holdMs?: number): Promise<Reply> {
        try {
          await captureAnnotation(deps.outbox, annotation, await clientIdOf(deps.outbox), { holdMs });
          void deps.loop.request('captured');
          return { ok: true };
        } catch (error) {
          if (error instanceof CaptureError) return fail(error.code, error.message);
          // Storage full or broken: say so; the panel keeps the click and offers to retry.
          return fail('storage', `could not save the annotation on this device (${(error as Error).message}); free disk space and retry`);
        }
      },

      async amend(id: string, rationaleTags: RationaleTag[], rationaleText?: string): Promise<Reply> {
        try {
          await amendAdoption(deps.outbox, id, { rationaleTags, rationaleText });
          void deps.loop.request('captured');
          return { ok: true };
        } catch (error) {
          if (error instanceof CaptureError) return fail(error.code, error.message);
          return fail('storage', `could not save the rationale (${(error as Error).message})`);
        }
      },

      /** Which selectors matched on a ticket of this tab's helpdesk: counted for adapter health (no page text arrives here). */
      async selectorHealth(ticketId: string, outcomes: Record<string, number | null>): Promise<Reply> {
        try {
          const extensionVersion = deps.extensionVersion ?? browser.runtime.getManifest().version;
          await recordSelectorHealth(deps.outbox, { site: tab.platform, ticketId, extensionVersion, outcomes });
          return { ok: true };
        } catch (error) {
          return fail('storage', `could not count the selector health (${(error as Error).message})`);
        }
      },

      async status(): Promise<Reply<{ status: OverlayStatus }>> {
        return { ok: true, status: await overlayStatus(deps.outbox, deps.settings) };
      },

      /** This tab's panel state for a ticket, kept across the ticket's page loads (lib/background/carried-tickets.ts). */
      async keep(carried: CarriedTicket): Promise<Reply> {
        await keepCarried(tab.tabId, carried);
        return { ok: true };
      },

      async recall(ticket: TicketRef): Promise<Reply<{ carried: CarriedTicket | null }>> {
        return { ok: true, carried: await recallCarried(tab.tabId, ticket) };
      },

      async forget(ticket: TicketRef): Promise<Reply> {
        await forgetCarried(tab.tabId, ticket);
        return { ok: true };
      },

      async prefs(): Promise<Reply<{ prefs: PanelPrefs }>> {
        return { ok: true, prefs: await readPanelPrefs(deps.settings) };
      },

      async savePrefs(prefs: PanelPrefs): Promise<Reply> {
        await savePanelPrefs(deps.settings, prefs);
        return { ok: true };
      },

      /** Whether this tab should read who is signed in to the helpdesk (an enrollment key and no token yet). */
      async enrolmentWanted(): Promise<Reply<{ wanted: boolean }>> {
        // A helpdesk the panel is switched off for is not asked who is signed in.
        const { settings } = await effectiveSettings(deps.settings);
        return { ok: true, wanted: settings.enabledSites.includes(tab.platform) && (await enrolment.wanted()) };
      },

      /** Who is signed in, as this tab read it: the worker enrols that agent. Answers once the first attempt is over. */
      async identify(identity: HelpdeskIdentity): Promise<Reply<{ state: EnrolmentState | null; message: string | null }>> {
        if (identity.platform !== tab.platform) return fail('bad_message', `message refused: a ${tab.platform} tab reported a ${identity.platform} identity`);
        const record = await enrolment.identify(identity);
        return { ok: true, state: record?.state ?? null, message: record?.message ?? null };
      },
    }),
  });
};

/** The panel service as a helpdesk tab calls it (`backgroundService<PanelService>('panel')`). */
export type PanelService = ServiceOf<ReturnType<typeof panelService>>;
