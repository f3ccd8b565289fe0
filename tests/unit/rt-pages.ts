import { fixtureHtml, loadFixturePage } from './fixture-page';

/** Where the saved RT pages are served in the tests (the custom site they stand for). */
export const RT_ORIGIN = 'https://rt.example.com';
export const RT_TICKET = JSON.parse(fixtureHtml('rt/ticket.json')) as { id: string; subject: string; question: string; reply: string; comment: string };

/**
 * Opens a page saved from a real RT by tests/rt/save-rt-fixtures.ts. A serialised page leaves
 * iframes empty, so CKEditor 4's editing document (saved beside it) is put back into its iframe.
 */
export function openRtPage(file: 'rt/display.html' | 'rt/update-respond.html' | 'rt/update-comment.html', path: string): Document {
  const doc = loadFixturePage(file, `${RT_ORIGIN}${path}`);
  const frame = doc.querySelector<HTMLIFrameElement>('#cke_UpdateContent iframe.cke_wysiwyg_frame');
  if (frame?.contentDocument) {
    frame.contentDocument.open();
    frame.contentDocument.write(`<!doctype html>${fixtureHtml('rt/editor-frame.html')}`);
    frame.contentDocument.close();
  }
  return doc;
}

/** RT's answers to what the update page fetches (the display page and the history), from the saved pages. */
export function serveRtPages(): () => void {
  const original = window.fetch;
  const pages: Record<string, string> = { '/Ticket/Display.html': 'rt/display.html', '/Helpers/TicketHistory': 'rt/history.html' };
  window.fetch = (async (input: RequestInfo | URL) => {
    const url = new URL(String(input instanceof Request ? input.url : input));
    const file = url.origin === RT_ORIGIN ? pages[url.pathname] : undefined;
    return file ? new Response(fixtureHtml(file), { status: 200, headers: { 'content-type': 'text/html' } }) : new Response('not found', { status: 404 });
  }) as typeof fetch;
  return () => {
    window.fetch = original;
  };
}
