import webextensionPolyfill from '@wxt-dev/webextension-polyfill';
import { defineWxtModule } from 'wxt/modules';

/**
 * The Firefox add-on (`npm run build:firefox`: MV3, Firefox 142+), from the same sources as the
 * Chromium build. Chromium builds are left exactly as they are.
 *
 * WXT loads this module by itself (local `modules/`), so wxt.config.ts stays browser-neutral.
 */
export const FIREFOX_ADDON_ID = 'agent-in-the-loop@aitl.extension';

export default defineWxtModule({
  name: 'aitl:firefox',
  setup(wxt) {
    if (wxt.config.browser !== 'firefox') return;
    // `wxt/browser` becomes Mozilla's webextension-polyfill, so every promise-returning call is
    // promise-based whatever the engine (on Firefox it hands back the native `browser`).
    void webextensionPolyfill.setup?.(wxt, undefined);
    // Set on the config, not the generated manifest, so WXT's own Firefox checks see it.
    wxt.config.manifest.browser_specific_settings = {
      gecko: {
        // What an admin names in policies.json (`3rdparty.Extensions`); see the README.
        id: FIREFOX_ADDON_ID,
        // data_collection_permissions needs 140 on desktop, 142 on Android.
        strict_min_version: '142.0',
        // Ticket text and the agent's replies go to the company's own AITL backend.
        data_collection_permissions: { required: ['websiteContent', 'personalCommunications'] },
      } as NonNullable<NonNullable<typeof wxt.config.manifest.browser_specific_settings>['gecko']>,
    };
    wxt.hook('build:manifestGenerated', (_wxt, manifest) => {
      // Chromium-only keys: `key` pins the Chrome extension id (Firefox uses the gecko id above);
      // Firefox has no externally_connectable and reads policy without a managed_schema.
      delete manifest.key;
      delete (manifest as { externally_connectable?: unknown }).externally_connectable;
      delete (manifest as { storage?: unknown }).storage;
    });
  },
});
