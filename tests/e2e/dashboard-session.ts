import { expect, type Browser, type Page } from '@playwright/test';

/**
 * A fresh tab on the dashboard at `width`, collecting every console error, page error and failed
 * response (a CSP violation is a console error), and checking the dashboard's CSP came with it.
 */
export async function openDashboard(browser: Browser, url: string, width: number): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width, height: 1000 } });
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(String(e)));
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`${r.status()} ${new URL(r.url()).pathname}`);
  });
  const response = await page.goto(`${url}/dashboard/`);
  expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
  return { page, problems };
}

export async function signIn(page: Page, token: string) {
  await page.getByLabel('Operator or admin token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
}
