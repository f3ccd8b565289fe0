import { injectScript } from 'wxt/utils/inject-script';

/**
 * CKEditor's `ckeditorInstance` exists only in the page's own JS world, so editor-API inserts go
 * through a small MAIN-world script (entrypoints/ckeditor-bridge.ts). Requests and answers are
 * CustomEvents carrying JSON strings and a nonce; the target editable is marked with the nonce.
 */
export const BRIDGE_REQUEST = 'aitl:ck-request';
export const BRIDGE_RESPONSE = 'aitl:ck-response';
export const BRIDGE_TARGET_ATTR = 'data-aitl-target';

export interface BridgeRequest {
  nonce: string;
  action: 'insert';
  html: string;
  text: string;
}
export interface BridgeResponse {
  nonce: string;
  ok: boolean;
  error?: string;
}

let injected: Promise<void> | null = null;

function ensureBridge(): Promise<void> {
  injected ??= injectScript('/ckeditor-bridge.js', { keepInDom: true }).then(
    () => undefined,
    (error) => {
      injected = null;
      throw error;
    },
  );
  return injected;
}

/** Asks the page-world bridge to insert into the editor owning `el`; false if it could not. */
export async function insertThroughEditorApi(el: HTMLElement, text: string, html: string, timeoutMs = 1500): Promise<boolean> {
  try {
    await ensureBridge();
  } catch {
    return false;
  }
  const doc = el.ownerDocument;
  const nonce = crypto.randomUUID();
  el.setAttribute(BRIDGE_TARGET_ATTR, nonce);
  try {
    return await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => finish(false), timeoutMs);
      function finish(ok: boolean) {
        clearTimeout(timer);
        doc.removeEventListener(BRIDGE_RESPONSE, onResponse);
        resolve(ok);
      }
      function onResponse(event: Event) {
        const detail = (event as CustomEvent<unknown>).detail;
        if (typeof detail !== 'string') return;
        try {
          const response = JSON.parse(detail) as BridgeResponse;
          if (response.nonce === nonce) finish(response.ok === true);
        } catch {
          // not ours
        }
      }
      doc.addEventListener(BRIDGE_RESPONSE, onResponse);
      const request: BridgeRequest = { nonce, action: 'insert', html, text };
      doc.dispatchEvent(new CustomEvent(BRIDGE_REQUEST, { detail: JSON.stringify(request) }));
    });
  } finally {
    el.removeAttribute(BRIDGE_TARGET_ATTR);
  }
}
