import { normalizeForComparison } from '../edit-similarity';
import { textToHtml } from './dom-text';
import type { InsertMethod, InsertResult } from './types';

/** Did the reply land? Editors re-render and may drop or re-wrap text, so compare normalised. */
export function landed(composerText: string, reply: string): boolean {
  const want = normalizeForComparison(reply);
  return want.length > 0 && normalizeForComparison(composerText).includes(want);
}

function caretToEnd(el: HTMLElement): void {
  const doc = el.ownerDocument;
  const selection = doc.defaultView?.getSelection?.();
  if (!selection) return;
  const range = doc.createRange();
  range.selectNodeContents(el);
  range.collapse(false);
  selection.removeAllRanges();
  selection.addRange(range);
}

/**
 * A synthetic paste carrying text/html and text/plain. CKEditor 5 ignores DOM writes, execCommand
 * and text-only pastes, but runs an HTML paste through its own clipboard pipeline; Quill and
 * CKEditor 4 handle it too.
 */
export function pasteHtml(el: HTMLElement, text: string): boolean {
  const win = el.ownerDocument.defaultView as (Window & typeof globalThis) | null;
  if (!win || typeof win.DataTransfer !== 'function' || typeof win.ClipboardEvent !== 'function') return false;
  el.focus();
  caretToEnd(el);
  const data = new win.DataTransfer();
  data.setData('text/plain', text);
  data.setData('text/html', textToHtml(text));
  el.dispatchEvent(new win.ClipboardEvent('paste', { bubbles: true, cancelable: true, clipboardData: data }));
  return true;
}

/** `execCommand('insertText')`: deprecated, but what CKEditor 4 and plain contenteditables still honour. */
export function execInsertText(el: HTMLElement, text: string): boolean {
  el.focus();
  caretToEnd(el);
  try {
    return el.ownerDocument.execCommand('insertText', false, text);
  } catch {
    return false;
  }
}

/** A textarea or input: set the value through the native setter so frameworks see the change. */
export function setFieldValue(el: HTMLTextAreaElement | HTMLInputElement, text: string): boolean {
  const proto = Object.getPrototypeOf(el) as object;
  const setter = Object.getOwnPropertyDescriptor(proto, 'value')?.set;
  const value = el.value ? `${el.value}\n${text}` : text;
  if (setter) setter.call(el, value);
  else el.value = value;
  for (const type of ['input', 'change']) el.dispatchEvent(new Event(type, { bubbles: true }));
  return true;
}

/**
 * Quill and plain contenteditables re-read their DOM on mutation: append one <p> per line, built
 * as nodes with textContent (suggestion text never goes through innerHTML), then tell listeners.
 */
export function appendParagraphs(el: HTMLElement, text: string): boolean {
  const doc = el.ownerDocument;
  const blank = el.textContent?.trim() === '';
  if (blank) el.replaceChildren();
  for (const line of text.split('\n')) {
    const p = doc.createElement('p');
    if (line.trim()) p.textContent = line;
    else p.append(doc.createElement('br'));
    el.append(p);
  }
  el.classList.remove('ql-blank');
  el.dispatchEvent(new Event('input', { bubbles: true }));
  el.dispatchEvent(new Event('change', { bubbles: true }));
  return true;
}

export const CLIPBOARD_MESSAGE = 'Could not write into the reply box. The reply is on your clipboard: click into the reply box and paste (Ctrl+V or Cmd+V).';

/** Last resort: put the reply on the clipboard and tell the agent to paste it. */
export async function copyToClipboard(el: HTMLElement, text: string): Promise<InsertResult> {
  try {
    await el.ownerDocument.defaultView!.navigator.clipboard.writeText(text);
    return { ok: false, method: 'clipboard', message: CLIPBOARD_MESSAGE };
  } catch {
    return { ok: false, method: null, message: 'Could not write into the reply box or the clipboard. Select the reply text in the panel and copy it.' };
  }
}

export type InsertStrategy = { method: InsertMethod; run: () => boolean | Promise<boolean> };

/**
 * Tries each strategy in turn and checks after each that the reply is really in the composer
 * (editors silently undo writes they do not own); falls back to the clipboard.
 */
export async function insertWithFallbacks(el: HTMLElement, reply: string, read: () => string, strategies: InsertStrategy[]): Promise<InsertResult> {
  for (const strategy of strategies) {
    let attempted = false;
    try {
      attempted = await strategy.run();
    } catch {
      attempted = false;
    }
    if (!attempted) continue;
    // Editors apply pastes and model changes synchronously or on the next frame.
    for (let i = 0; i < 3; i++) {
      if (landed(read(), reply)) return { ok: true, method: strategy.method };
      await new Promise((r) => setTimeout(r, 16));
    }
  }
  return copyToClipboard(el, reply);
}
