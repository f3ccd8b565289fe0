import { defineContentScript } from 'wxt/utils/define-content-script';
import type { PanelService } from '../lib/background/panel-service';
import { backgroundService } from '../lib/messaging/background-service';
import { platformOfHost, ticketIdInPath } from '../lib/sites/ticket-urls';

// Runs on every page of the helpdesk apps (they are single-page apps, so a ticket can open
// without a page load) and does nothing but match URLs. Once a ticket URL shows up it asks the
// background to inject the panel (entrypoints/overlay.tsx), which takes over from there. On a
// custom site (registered at run time, lib/background/custom-sites.ts) the background says which
// helpdesk the page is.
export default defineContentScript({
  matches: ['https://*.zendesk.com/agent/*', 'https://*.lightning.force.com/lightning/*'],
  runAt: 'document_end',
  async main(ctx) {
    performance.mark('aitl:main-start');
    const panel = backgroundService<PanelService>('panel');
    const platform = platformOfHost(location.hostname) ?? (await panel.site().then((reply) => (reply.ok ? reply.platform : null)));
    let requested = false;
    const check = (url: URL) => {
      if (requested || !platform || !ticketIdInPath(platform, url)) return;
      requested = true;
      void panel.loadOverlay().then((reply) => {
        if (!reply.ok) {
          requested = false;
          console.warn(`AITL: ${reply.error.message}`);
        }
      });
    };
    if (platform) {
      check(new URL(location.href));
      if (!requested) ctx.addEventListener(window, 'wxt:locationchange', ({ newUrl }) => check(newUrl));
    }
    performance.measure('aitl:main', 'aitl:main-start');
  },
});
