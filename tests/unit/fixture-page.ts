import fs from 'node:fs';
import path from 'node:path';

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures');

export function fixtureHtml(file: string): string {
  return fs.readFileSync(path.join(FIXTURES, file), 'utf8');
}

/**
 * Loads a saved fixture page into the test window at a real-looking URL. Its inline scripts do
 * not run here; tests start the fixture app themselves.
 */
export function loadFixturePage(path: string, url: string): Document {
  (window as unknown as { happyDOM: { setURL(url: string): void } }).happyDOM.setURL(url);
  const html = fixtureHtml(path).replace(/<script type="module">[\s\S]*?<\/script>/g, '');
  document.documentElement.innerHTML = html.replace(/^[\s\S]*?<html[^>]*>/i, '').replace(/<\/html>\s*$/i, '');
  return document;
}
