/**
 * Saves the RT pages the adapter reads, from a real Request Tracker 5, as fixtures for the unit
 * tests (tests/fixtures/rt/). Run it again when RT changes:
 *
 *   npx tsx tests/rt/save-rt-fixtures.ts
 *
 * It starts a throwaway RT (tests/rt/rt-instance.ts), writes a ticket the way support gets one
 * (the requestor's email, a staff reply, an internal comment), logs in as the agent in Debian's
 * Chromium and saves each page's DOM once RT's own scripts have run (the history arrives by XHR;
 * CKEditor 4 replaces the textarea). Scripts, stylesheets and empty iframe sources are dropped, and the instance's
 * address becomes https://rt.example.com, the custom site the tests serve the pages at.
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from '@playwright/test';
import { RT_AGENT, seedTicket, startRt } from './rt-instance';

export const FIXTURE_ORIGIN = 'https://rt.example.com';
const OUT = path.resolve(import.meta.dirname, '../fixtures/rt');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const FIXTURE_TICKET = {
  subject: 'Doorbell rings but the chime stays silent',
  question: 'Hi, my doorbell rings on my phone but the chime in the hall stays silent.\nI already replaced the battery.',
  reply: 'Hello Jane,\nis the chime paired with the doorbell in the app?',
  comment: 'Firmware 2.3 has a known chime pairing bug; check the version first.',
};

async function main() {
  const rt = await startRt();
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
  try {
    const id = await seedTicket(rt, FIXTURE_TICKET);
    const page = await browser.newPage();
    await page.goto(`${rt.origin}/NoAuth/Login.html`);
    await page.fill('input[name="user"]', RT_AGENT.user);
    await page.fill('input[name="pass"]', RT_AGENT.password);
    await Promise.all([page.waitForNavigation(), page.press('input[name="pass"]', 'Enter')]);
    fs.mkdirSync(OUT, { recursive: true });
    const save = async (file: string, url: string, ready: string) => {
      await page.goto(`${rt.origin}${url}`);
      await page.waitForSelector(ready);
      const html = await page.evaluate(() => {
        const doc = document.documentElement.cloneNode(true) as HTMLElement;
        for (const el of doc.querySelectorAll('script, link[rel="stylesheet"], style, noscript')) el.remove();
        // CKEditor's iframe has src="" (this very page): a test DOM would load the page into it again.
        for (const el of doc.querySelectorAll('iframe[src=""]')) el.removeAttribute('src');
        return `<!doctype html>\n${doc.outerHTML}\n`;
      });
      fs.writeFileSync(path.join(OUT, file), html.split(rt.origin).join(FIXTURE_ORIGIN).replace(/name="Token" value="[0-9a-f]+"/g, 'name="Token" value="fixture"'));
      console.log(`saved ${file} (${url})`);
    };
    /** CKEditor's editing document (a page's serialised DOM leaves iframes empty; tests/unit/rt-pages.ts puts it back). */
    const saveEditor = async (file: string) => {
      const frame = await page.waitForSelector('#cke_UpdateContent iframe.cke_wysiwyg_frame');
      const doc = await (await frame.contentFrame())!.evaluate(() => {
        const root = document.documentElement.cloneNode(true) as HTMLElement;
        for (const el of root.querySelectorAll('script, link[rel="stylesheet"], style')) el.remove();
        return `${root.outerHTML}\n`;
      });
      fs.writeFileSync(path.join(OUT, file), doc);
      console.log(`saved ${file} (the CKEditor 4 iframe)`);
    };
    await save('history.html', `/Helpers/TicketHistory?id=${id}`, '.history-container .transaction[data-transaction-id]');
    await save('display.html', `/Ticket/Display.html?id=${id}`, '.history-container .transaction[data-transaction-id]');
    await save('update-respond.html', `/Ticket/Update.html?id=${id}&Action=Respond`, '#cke_UpdateContent iframe.cke_wysiwyg_frame');
    await saveEditor('editor-frame.html');
    await save('update-comment.html', `/Ticket/Update.html?id=${id}&Action=Comment`, '#cke_UpdateContent iframe.cke_wysiwyg_frame');
    fs.writeFileSync(path.join(OUT, 'ticket.json'), `${JSON.stringify({ id, ...FIXTURE_TICKET, savedAt: new Date().toISOString().slice(0, 10) }, null, 2)}\n`);
  } finally {
    await browser.close();
    await rt.stop();
  }
}

await main();
