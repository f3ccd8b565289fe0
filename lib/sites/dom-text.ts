import { LIMITS } from '../contract/values';

const BLOCK = new Set(['P', 'DIV', 'LI', 'UL', 'OL', 'BLOCKQUOTE', 'PRE', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'TR', 'SECTION', 'ARTICLE', 'TABLE']);

/**
 * The readable text of an element: block elements and <br> become line breaks, noise (signatures,
 * read receipts, buttons) is skipped. Works the same in a test DOM without layout (no innerText).
 */
export function elementText(el: Node, skip: readonly string[] = []): string {
  const skipSelector = skip.join(', ');
  let out = '';
  const walk = (node: Node) => {
    if (node.nodeType === 3) {
      out += node.nodeValue ?? '';
      return;
    }
    if (node.nodeType !== 1) return;
    const element = node as Element;
    if (skipSelector && element.matches(skipSelector)) return;
    if (element.tagName === 'BR') {
      out += '\n';
      return;
    }
    if (element.tagName === 'SCRIPT' || element.tagName === 'STYLE' || element.tagName === 'TEMPLATE') return;
    const block = BLOCK.has(element.tagName);
    if (block && out && !out.endsWith('\n')) out += '\n';
    for (const child of element.childNodes) walk(child);
    if (block && out && !out.endsWith('\n')) out += '\n';
  };
  walk(el);
  return normalizeText(out);
}

/** Collapses runs of spaces, trims each line and drops blank-line runs. */
export function normalizeText(s: string): string {
  return s
    .replace(/\u00a0/g, ' ')
    .split('\n')
    .map((line) => line.replace(/[ \t\f\v\r]+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Text the contract accepts: no NUL, well-formed Unicode, at most `max` characters. */
export function clip(s: string, max: number = LIMITS.longText): string {
  let t = s.replace(/\u0000/g, '').toWellFormed();
  if (t.length > max) t = t.slice(0, max).toWellFormed();
  // A cut through a surrogate pair leaves U+FFFD; drop it rather than send a half character.
  return t.length > max ? t.slice(0, max) : t;
}

/** Plain text to the minimal HTML an editor's clipboard pipeline understands (escaped, one <p> per line). */
export function textToHtml(text: string): string {
  const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  return text
    .split(/\n/)
    .map((line) => (line.trim() ? `<p>${escape(line)}</p>` : '<p><br></p>'))
    .join('');
}
