import { defineConfig } from 'wxt';

// https://wxt.dev/api/config.html
export default defineConfig({
  modules: ['@wxt-dev/module-react'],
  // Explicit imports keep the code greppable and the server free of WXT's globals.
  imports: false,
  manifest: {
    name: 'AITL: Agent-in-the-Loop',
    description: 'Rate and adopt copilot replies inside Zendesk and Salesforce; your feedback retrains the copilot.',
    permissions: ['storage', 'alarms', 'unlimitedStorage'],
    // The backend URL is the admin's choice, so it is requested at runtime for that one origin.
    optional_host_permissions: ['https://*/*', 'http://*/*'],
    // Nobody (no web page, no other extension) may message this extension.
    externally_connectable: { ids: [] },
  },
});
