import { defineContentScript } from 'wxt/utils/define-content-script';

// One content script for both helpdesks; the site adapter is chosen from the URL. It must do no
// work on pages that are not tickets, so `matches` is as narrow as the helpdesks' routing allows.
export default defineContentScript({
  matches: ['https://*.zendesk.com/agent/*', 'https://*.lightning.force.com/lightning/*'],
  runAt: 'document_idle',
  main() {},
});
