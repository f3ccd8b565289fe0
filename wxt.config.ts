import { defineConfig } from 'wxt';
import { addDemoOrigin, DEMO_MODE } from './demo/launch/demo-origin';

const HELPDESK_ORIGINS = ['https://*.zendesk.com/*', 'https://*.lightning.force.com/*'];

// https://wxt.dev/api/config.html
export default defineConfig({
  modules: ['@wxt-dev/module-react'],
  // Explicit imports keep the code greppable and the server free of WXT's globals.
  imports: false,
  // `wxt build --mode demo` (npm run demo, into .output/chrome-mv3-demo): production's manifest plus the local demo helpdesk.
  hooks: { 'build:manifestGenerated': (wxt, manifest) => void (wxt.config.mode === DEMO_MODE && addDemoOrigin(manifest)) },
  manifest: {
    name: 'AITL: Agent-in-the-Loop',
    description: 'Rate and adopt copilot replies inside Zendesk and Salesforce; your feedback retrains the copilot.',
    // Public half of the key that pins the extension id (aidellcenmenbfdaogiajhhlfppkapll) for
    // unpacked and self-hosted installs, so enterprise policy can name it. No private key is kept
    // in the repository; the Chrome Web Store signs with its own.
    key: 'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAizVJ0JrQLVl4xeMGIkD52Q6uqRvIUgIGxId9mU8urfgfCgdzgsJL0a52qGVnf1ryYpgJC3/q5enqQHrx6oP6OQklDVVOXZvonbXdK+q/xWlilr/oFAbRKoWR81g6foElw8J6qT7bD1cY1Y9euuslHOIOlMAlceeHjCPkyWKhyOh9ZdO3pCM9DBw+LblhkvAKB4GHg6VYVx6nYELGKXHplUKMIv3sWgj55KSQdmVlKUhxdw3eIucKJ6QYx0CPDo37qWGHEBVa/LJ7Ed+zdyX+haUOE2Bttdt39VIpzQZeUrLuA/iaxySPZreJQfvQCNHoJiVkP0Hyab36YzvAlLZjCQIDAQAB',
    // `identity` only for company sign-in: launchWebAuthFlow opens the provider's page and hands
    // back its redirect; it grants no access to the browser's Google account.
    permissions: ['storage', 'alarms', 'unlimitedStorage', 'scripting', 'identity'],
    // The helpdesks only: the content script's hosts, where the panel's code is injected on a ticket.
    host_permissions: HELPDESK_ORIGINS,
    // The backend URL is the admin's choice, so it is requested at runtime for that one origin.
    optional_host_permissions: ['https://*/*', 'http://*/*'],
    // Nobody (no web page, no other extension) may message this extension.
    externally_connectable: { ids: [] },
    // What an admin may set by enterprise policy (3rdparty extension policy); see the README.
    storage: { managed_schema: 'managed_schema.json' },
    // The MAIN-world CKEditor bridge must be loadable by the helpdesk pages, and only by them.
    // The MAIN-world Salesforce user reader likewise, for the Lightning pages only.
    web_accessible_resources: [
      { resources: ['ckeditor-bridge.js'], matches: HELPDESK_ORIGINS },
      { resources: ['salesforce-user.js'], matches: ['https://*.lightning.force.com/*'] },
    ],
  },
});
