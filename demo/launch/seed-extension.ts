import type { BrowserContext, Page, Worker } from '@playwright/test';

export interface DemoSettings {
  backendUrl: string;
  token: string;
  /** The demo helpdesk, named as a self-hosted Zendesk: the extension registers its content script there. */
  origin: string;
}

declare const chrome: {
  runtime: { sendMessage(message: unknown): Promise<unknown> };
  scripting: { getRegisteredContentScripts(): Promise<{ id: string; matches?: string[] }[]> };
};

/**
 * Configures the extension as an agent would on its options page, through the very call that page
 * makes (the pages service's saveSettings): backend, token, the demo helpdesk as a custom Zendesk
 * site, and a preference question on every ticket. Returns once the content script is registered
 * on the demo origin, so the next page load there gets the panel.
 */
export async function seedExtension(context: BrowserContext, worker: Worker, extensionId: string, settings: DemoSettings, page?: Page): Promise<Page> {
  const tab = page ?? (await context.newPage());
  await tab.goto(`chrome-extension://${extensionId}/options.html`);
  const changes = { backendUrl: settings.backendUrl, token: settings.token, customSites: [{ platform: 'zendesk', origin: settings.origin }], pairwiseSamplingRate: 1 };
  const reply = (await tab.evaluate((s) => chrome.runtime.sendMessage({ aitl: 'call', service: 'pages', method: 'saveSettings', args: [s] }), changes)) as {
    ok: boolean;
    error?: { message: string };
  };
  if (!reply?.ok) throw new Error(`the extension refused the demo settings: ${reply?.error?.message ?? JSON.stringify(reply)}`);
  const scripts = await worker.evaluate(() => chrome.scripting.getRegisteredContentScripts());
  if (!scripts.some((s) => s.matches?.includes(`${settings.origin}/*`))) {
    throw new Error(`the extension did not register its content script on ${settings.origin} (registered: ${JSON.stringify(scripts)}); is this the demo build (.output/chrome-mv3-demo)?`);
  }
  return tab;
}
