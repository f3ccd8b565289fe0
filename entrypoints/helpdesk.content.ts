import { defineContentScript } from 'wxt/utils/define-content-script';
import type { PanelService } from '../lib/background/panel-service';
import { backgroundService } from '../lib/messaging/background-service';
import { platformOfHost, ticketIdOf } from '../lib/sites/ticket-urls';

// Runs on every page of the helpdesk apps (they are single-page apps, so a ticket can open
// without a page load) and does nothing but match URLs. Once a ticket URL shows up it asks the
// background to inject the panel (entrypoints/overlay.tsx), which takes over from there.
export default defineContentScript({
  matches: ['https://*.zendesk.com/agent/*', 'https://*.lightning.force.com/lightning/*'],
  runAt: 'document_end',
  main(ctx) {
    performance.mark('aitl:main-start');
    const platform = platformOfHost(location.hostname);
    const panel = backgroundService<PanelService>('panel');
    let requested = false;
    const check = (url: URL) => {
      if (requested || !platform || !ticketIdOf(platform, url)) return;
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
