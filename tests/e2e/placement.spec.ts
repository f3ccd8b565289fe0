import fs from 'node:fs';
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { agentToken, CASE_PATH, configure, launchBrowser, panel, SALESFORCE, startBackend, ZENDESK } from './harness';

/**
 * The panel never covers the ticket: with the panel open at the widths agents work at, the
 * conversation's last message and the composer lie wholly beside the panel, are what the browser
 * hits at their points (nothing of ours on top), and take a click. Screenshots go to the test's
 * output folder (test-results/…) for a person to look at.
 */
const SITES = [
  {
    name: 'zendesk',
    url: `${ZENDESK}/agent/tickets/123`,
    workspace: '.ticket-panes-grid-layout.active',
    // The agent closed the context panel: the conversation takes the whole pane (the 1440 px case).
    noContextPane: '.ticket-panes-grid-layout.active { grid-template-columns: minmax(0, 1fr) !important; } .ticket-panes-grid-layout.active > .context { display: none; }',
    lastMessage: '.ticket-panes-grid-layout.active [data-test-id="omni-log-comment-item"] >> nth=-1',
    composer: '.ticket-panes-grid-layout.active [data-test-id="omnicomposer-rich-text-ckeditor"]',
    send: '.ticket-panes-grid-layout.active [data-test-id="submit_button-button"]',
  },
  {
    name: 'salesforce',
    url: `${SALESFORCE}${CASE_PATH}`,
    workspace: '.navexConsoleTabContainer',
    noContextPane: '.tabContent.active { grid-template-columns: minmax(0, 1fr) !important; }',
    lastMessage: '.tabContent.active .feed article >> nth=-1',
    composer: '.tabContent.active .ql-editor',
    send: '.tabContent.active .cuf-publisherShareButton.send',
  },
] as const;

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** What the browser hits at the box's corners and centre is the element itself (or inside it), not the panel's host. */
async function hitsItself(page: Page, selector: string): Promise<string[]> {
  return page.locator(selector).evaluate((el) => {
    const r = el.getBoundingClientRect();
    const points = [
      [r.left + 2, r.top + 2],
      [r.right - 2, r.top + 2],
      [r.left + r.width / 2, r.top + r.height / 2],
      [r.left + 2, r.bottom - 2],
      [r.right - 2, r.bottom - 2],
    ];
    return points.filter(([x, y]) => !el.contains(document.elementFromPoint(x!, y!))).map(([x, y]) => `${Math.round(x!)},${Math.round(y!)}: ${document.elementFromPoint(x!, y!)?.tagName ?? 'nothing'}`);
  });
}

const beside = (item: Box, panelBox: Box) => item.x + item.width <= panelBox.x + 0.5;
const overlaps = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

// One backend (with the demo knowledge base, so there are two replies to compare) and one browser for the file.
let backend: Awaited<ReturnType<typeof startBackend>>;
let context: BrowserContext;
let userDataDir: string;
test.beforeAll(async () => {
  backend = await startBackend({ demo: true });
  const launched = await launchBrowser();
  context = launched.context;
  userDataDir = launched.userDataDir;
  // Two replies side by side: the widest the panel gets.
  await configure(context, launched.extensionId, { backendUrl: backend.url, token: await agentToken(backend, 'demo', 'jane@acme.example'), pairwiseSamplingRate: 1 });
});
test.afterAll(async () => {
  await context?.close();
  await backend?.close();
  if (userDataDir) fs.rmSync(userDataDir, { recursive: true, force: true });
});

for (const site of SITES) {
  test.describe(`the panel on ${site.name}`, () => {
    for (const [width, contextPane] of [[1280, true], [1920, true], [1440, false]] as const) {
      test(`at ${width} px${contextPane ? '' : ', context pane closed,'} it docks beside the conversation and the composer`, async () => {
        const page = await context.newPage();
          await page.setViewportSize({ width, height: 900 });
          await page.goto(site.url);
          if (!contextPane) await page.addStyleTag({ content: site.noContextPane });
          await expect(panel(page).getByTestId('aitl-reply')).toHaveCount(2);
          await expect(panel(page)).toHaveAttribute('data-placement', 'docked');

          const panelBox = (await panel(page).boundingBox())!;
          expect(panelBox.x + panelBox.width).toBeGreaterThan(width - 2);
          // The helpdesk's workspace fills the room left of the panel: narrowed by the panel's width, no more.
          const workspace = (await page.locator(site.workspace).boundingBox())!;
          expect(Math.abs(workspace.x + workspace.width - panelBox.x)).toBeLessThanOrEqual(2);
          for (const selector of [site.lastMessage, site.composer, site.send]) {
            await page.locator(selector).scrollIntoViewIfNeeded();
            const box = (await page.locator(selector).boundingBox())!;
            expect(beside(box, panelBox), `${selector} (${JSON.stringify(box)}) lies left of the panel (${JSON.stringify(panelBox)})`).toBe(true);
            expect(await hitsItself(page, selector), `${selector} is not covered`).toEqual([]);
          }
          // The conversation is readable: its text is laid out in the room left, not clipped under the panel.
          const message = page.locator(site.lastMessage);
          expect(await message.evaluate((el) => el.scrollWidth <= el.clientWidth + 1)).toBe(true);
          // And clickable: a click at the composer puts the caret there (trial: false, a real click).
          await page.locator(site.composer).click();
          expect(await page.locator(site.composer).evaluate((el) => el === document.activeElement || el.contains(document.activeElement))).toBe(true);
          await page.screenshot({ path: test.info().outputPath(`${site.name}-${width}${contextPane ? '' : '-no-context'}-docked.png`) });

          // Collapsed, the helpdesk gets its full width back.
          await panel(page).getByTestId('aitl-collapse').click();
          await expect(panel(page)).toHaveAttribute('data-collapsed', 'true');
          const collapsedComposer = (await page.locator(site.composer).boundingBox())!;
          const tab = (await panel(page).boundingBox())!;
          expect(overlaps(collapsedComposer, tab), 'the collapsed tab is clear of the composer').toBe(false);
          expect(await page.locator(site.workspace).evaluate((el) => el.getAttribute('style'))).toBeNull();
          await page.screenshot({ path: test.info().outputPath(`${site.name}-${width}${contextPane ? '' : '-no-context'}-collapsed.png`) });
          // The collapsed state is the agent's saved preference: open it again for the next test.
          await panel(page).getByTestId('aitl-collapse').click();
          await expect(panel(page)).toHaveAttribute('data-placement', 'docked');
          await page.close();
      });
    }

    test('below 1280 px it is a tab the agent opens on demand', async () => {
        const page = await context.newPage();
        await page.setViewportSize({ width: 1100, height: 800 });
        await page.goto(site.url);
        await expect(panel(page)).toHaveAttribute('data-collapsed', 'true');
        expect(await hitsItself(page, site.composer)).toEqual([]);
        await page.screenshot({ path: test.info().outputPath(`${site.name}-1100-tab.png`) });
        await panel(page).getByTestId('aitl-collapse').click();
        await expect(panel(page)).toHaveAttribute('data-placement', 'floating');
        await expect(panel(page).getByTestId('aitl-reply')).toHaveCount(2);
        await page.screenshot({ path: test.info().outputPath(`${site.name}-1100-opened.png`) });
        await page.close();
    });
  });
}
