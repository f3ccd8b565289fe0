import { defineUnlistedScript } from 'wxt/utils/define-unlisted-script';

/**
 * Runs in the helpdesk page's own JS world (injected by the content script), because CKEditor's
 * `ckeditorInstance` is an expando the isolated world cannot see. It does one thing: insert HTML
 * the content script built (escaped text, one <p> per line) into the editor owning the element the
 * content script marked with the request's nonce, through the editor's own model.
 */
interface Editor {
  getData(): string;
  setData(html: string): void;
  model: {
    change(fn: (writer: { setSelection(position: unknown): void; createPositionAt(root: unknown, offset: 'end'): unknown }) => void): void;
    insertContent(content: unknown): void;
    document: { getRoot(): unknown };
  };
  data: { toModel(view: unknown): unknown; processor: { toView(html: string): unknown } };
}

export default defineUnlistedScript(() => {
  const REQUEST = 'aitl:ck-request';
  const RESPONSE = 'aitl:ck-response';
  document.addEventListener(REQUEST, (event) => {
    let nonce = '';
    const respond = (ok: boolean, error?: string) => document.dispatchEvent(new CustomEvent(RESPONSE, { detail: JSON.stringify({ nonce, ok, error }) }));
    try {
      const detail = (event as CustomEvent<unknown>).detail;
      if (typeof detail !== 'string') return;
      const request = JSON.parse(detail) as { nonce: string; action: string; html: string };
      nonce = String(request.nonce);
      if (request.action !== 'insert' || typeof request.html !== 'string') return respond(false, 'unknown request');
      const target = [...document.querySelectorAll('[data-aitl-target]')].find((el) => el.getAttribute('data-aitl-target') === nonce) as
        | (HTMLElement & { ckeditorInstance?: Editor })
        | undefined;
      const editor = target?.ckeditorInstance ?? (target?.closest('.ck-editor') as (Element & { ckeditorInstance?: Editor }) | null)?.ckeditorInstance;
      if (!editor) return respond(false, 'no CKEditor instance on the target');
      const empty = editor.getData().replace(/<p>(&nbsp;|<br>|\s)*<\/p>/g, '').trim() === '';
      if (empty) {
        editor.setData(request.html);
      } else {
        const fragment = editor.data.toModel(editor.data.processor.toView(request.html));
        editor.model.change((writer) => {
          writer.setSelection(writer.createPositionAt(editor.model.document.getRoot(), 'end'));
          editor.model.insertContent(fragment);
        });
      }
      respond(true);
    } catch (error) {
      respond(false, String((error as Error)?.message ?? error));
    }
  });
});
