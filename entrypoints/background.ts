import { defineBackground } from 'wxt/utils/define-background';

// The background service worker owns the token, the outbox (IndexedDB) and every backend call;
// content scripts reach it only through typed runtime messages (see the overlay issue).
export default defineBackground(() => {});
