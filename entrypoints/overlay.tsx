import { createRoot, type Root } from 'react-dom/client';
import { browser } from 'wxt/browser';
import { ContentScriptContext } from 'wxt/utils/content-script-context';
import { createShadowRootUi, type ShadowRootContentScriptUi } from 'wxt/utils/content-script-ui/shadow-root';
import { defineUnlistedScript } from 'wxt/utils/define-unlisted-script';
import { OverlayRoot } from '../components/OverlayRoot';
import type { PanelPlacement } from '../components/panel-model';
// Inlined, so mounting the panel does not wait for a CSS fetch.
import panelCss from '../components/panel.css?inline';
import type { PanelService } from '../lib/background/panel-service';
import type { OverlayStatus, PanelPrefs } from '../lib/contract';
import { backgroundService } from '../lib/messaging/background-service';
import { OverlayController, type OverlayView } from '../lib/overlay/controller';
import { enrolFromHelpdesk, suggestAfterEnrolment } from '../lib/overlay/enrolment';
import { pageDock, type PageDock } from '../lib/overlay/dock';
import { DOCK_MIN_VIEWPORT, dockedBox, dockWidth, panelBox } from '../lib/overlay/layout';
import type { TicketSession } from '../lib/overlay/ticket-session';
import { tabMemory } from '../lib/overlay/ticket-memory';
import { adapterForCustomSite, adapterForHost, type HelpdeskAdapter } from '../lib/sites';
import { readSignedInAgent } from '../lib/sites/signed-in-agent';

/** The background worker's panel service (lib/background/panel-service.ts), called like a local object. */
const panel = backgroundService<PanelService>('panel');
const readStatus = async (): Promise<OverlayStatus | null> => {
  const reply = await panel.status();
  return reply.ok ? reply.status : null;
};
const readPrefs = async (): Promise<PanelPrefs | null> => {
  const reply = await panel.prefs();
  return reply.ok ? reply.prefs : null;
};
const savePrefs = (prefs: PanelPrefs) => void panel.savePrefs(prefs);

/** Docks the panel beside this session's ticket, or floats it clear of the ticket's composer. */
function placementFor(session: TicketSession, dock: PageDock): PanelPlacement {
  const viewport = () => ({ width: document.documentElement.clientWidth, height: window.innerHeight });
  return {
    wide: () => viewport().width >= DOCK_MIN_VIEWPORT,
    dock() {
      const room = dock.apply(session.ticket.root, dockWidth(viewport().width));
      return room && dockedBox(viewport(), room.top);
    },
    undock: () => dock.release(),
    float(preferredWidth) {
      const composer = session.adapter.findComposer(session.ticket)?.element;
      const rect = composer?.ownerDocument === document ? composer.getBoundingClientRect() : (composer?.ownerDocument.defaultView?.frameElement?.getBoundingClientRect() ?? null);
      return panelBox(viewport(), rect && rect.width > 0 ? rect : null, preferredWidth);
    },
  };
}

/** The panel in a shadow root (helpdesk CSS stays out) that swallows key events (no helpdesk hotkeys fire while typing in it). */
function panelView(ctx: ContentScriptContext): OverlayView {
  let ui: ShadowRootContentScriptUi<Root> | null = null;
  let mounting: Promise<ShadowRootContentScriptUi<Root>> | null = null;
  let shown: TicketSession | null = null;
  const dock = pageDock(document);
  const mount = () =>
    (mounting ??= createShadowRootUi(ctx, {
      name: 'aitl-overlay',
      css: panelCss,
      position: 'inline',
      anchor: 'body',
      append: 'last',
      isolateEvents: true,
      onMount: (container) => createRoot(container),
      onRemove: (root) => root?.unmount(),
    }).then((created) => {
      created.mount();
      ui = created;
      return created;
    }));
  const render = (session: TicketSession) => {
    ui?.mounted?.render(<OverlayRoot key={`${session.ticket.platform}:${session.ticket.ticketId}`} session={session} readStatus={readStatus} readPrefs={readPrefs} savePrefs={savePrefs} placement={placementFor(session, dock)} />);
  };
  return {
    show(session) {
      shown = session;
      void mount().then(() => shown === session && render(session));
    },
    hide() {
      shown = null;
      ui?.mounted?.render(null);
      dock.release();
    },
  };
}

/** A page on a custom site (RT, or a helpdesk on its own domain): the background says which helpdesk it is. */
async function customSiteAdapter(): Promise<HelpdeskAdapter | null> {
  const reply = await panel.site();
  return reply.ok ? adapterForCustomSite(reply.platform) : null;
}

/**
 * The panel's code: injected by the background into a helpdesk tab's top frame (isolated world,
 * like a content script) only after the small helpdesk content script saw a ticket URL, so pages
 * that never show a ticket never parse React. From then on it follows the agent between tickets.
 */
export default defineUnlistedScript(async () => {
  const state = globalThis as { __aitlOverlay?: boolean };
  if (state.__aitlOverlay) return;
  state.__aitlOverlay = true;
  const adapter = adapterForHost(location.hostname) ?? (await customSiteAdapter());
  if (!adapter) return;
  const ctx = new ContentScriptContext('aitl-overlay');
  // With an enrollment key and no token yet, this tab tells the worker who is signed in; the first
  // suggestion waits for that enrolment (it needs the token), the panel does not.
  const enrolling = enrolFromHelpdesk(panel, () => readSignedInAgent(adapter.platform, window));
  const controller = new OverlayController(adapter, document, suggestAfterEnrolment(panel, enrolling), panelView(ctx), {
    clientVersion: browser.runtime.getManifest().version,
    memory: tabMemory(panel),
    // Adapter health: which selector candidates matched on each ticket (counts only, never page text).
    reportHealth: (ticketId, outcomes) => void panel.selectorHealth(ticketId, outcomes),
    isEnabled: async () => {
      const reply = await panel.status();
      // Unreachable background: show the panel anyway, it will say what is wrong.
      return !reply.ok || reply.status.enabledSites.includes(adapter.platform);
    },
  });
  ctx.addEventListener(window, 'wxt:locationchange', ({ newUrl }) => void controller.onLocation(newUrl));
  // Alt+Shift+A jumps to the panel from anywhere in the ticket.
  ctx.addEventListener(window, 'keydown', (e) => {
    if (e.altKey && e.shiftKey && e.code === 'KeyA' && controller.current) {
      const host = document.querySelector('aitl-overlay');
      (host?.shadowRoot?.querySelector('[data-testid="aitl-panel"]') as HTMLElement | null)?.focus();
    }
  });
  ctx.onInvalidated(() => {
    controller.dispose();
    state.__aitlOverlay = false;
  });
  void controller.onLocation(new URL(location.href));
});
