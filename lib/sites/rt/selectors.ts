import type { SelectorList } from '../selector-table';

/**
 * Pages saved from a real Request Tracker 5.0 (Debian bookworm's request-tracker5) by
 * tests/rt/save-rt-fixtures.ts: the ticket display (history loaded), the reply and the comment form.
 */
const DISPLAY = 'rt/display.html';
const RESPOND = 'rt/update-respond.html';
const COMMENT = 'rt/update-comment.html';

/**
 * Request Tracker 5 (Elevator theme). RT renders one ticket per page; the display page loads its
 * history by XHR (/Helpers/TicketHistory) after the page, the update page shows none (the adapter
 * fetches it). CKEditor 4 replaces the reply textarea with an iframe of the same origin.
 */
export const RT = {
  /** The page's content (everything but the menus). */
  body: [{ css: '#body', seen: '2026-12-02', fixture: DISPLAY }],
  /** "#7: Subject" on the display page, "Update ticket #7: Subject" on the update page. */
  heading: [{ css: '#header h1', seen: '2026-12-02', fixture: DISPLAY }],
  status: [{ css: '.ticket-info-basics .status.form-row .current-value', seen: '2026-12-02', fixture: DISPLAY }],
  priority: [{ css: '.ticket-info-basics .priority.form-row .current-value .Priority', seen: '2026-12-02', fixture: DISPLAY }],
  /** Each requestor's user; `data-user-id` ties them to the history's authors. */
  requestor: [{ css: '.ticket-info-people .requestors.form-row .user[data-user-id]', seen: '2026-12-02', fixture: DISPLAY }],

  transaction: [{ css: '.history-container .transaction[data-transaction-id]', seen: '2026-12-02', fixture: DISPLAY }],
  /** Transactions that carry a message (create, correspond, comment); the others are field changes. */
  messageClass: [{ css: '.transaction.message', seen: '2026-12-02', fixture: DISPLAY }],
  author: [{ css: '.metadata .description .user[data-user-id]', seen: '2026-12-02', fixture: DISPLAY }],
  description: [{ css: '.metadata .description', seen: '2026-12-02', fixture: DISPLAY }],
  messageBody: [{ css: '.messagebody', seen: '2026-12-02', fixture: DISPLAY }],

  form: [{ css: 'form[name="TicketUpdate"]', seen: '2026-12-02', fixture: RESPOND }],
  /** `response` (reply to requestors) or `private` (comment). */
  updateType: [{ css: 'select#UpdateType[name="UpdateType"]', seen: '2026-12-02', fixture: COMMENT }],
  editorFrame: [{ css: '#cke_UpdateContent iframe.cke_wysiwyg_frame', seen: '2026-12-02', fixture: RESPOND }],
  editorBody: [{ css: 'body.cke_editable' , seen: '2026-12-02', fixture: RESPOND }],
  /** Without rich text (`$MessageBoxRichText` off), or before CKEditor has started. */
  textarea: [{ css: 'textarea#UpdateContent[name="UpdateContent"]', seen: '2026-12-02', fixture: RESPOND }],
  submit: [{ css: 'input[type="submit"][name="SubmitTicket"]', seen: '2026-12-02', fixture: RESPOND }],
} as const satisfies Record<string, SelectorList>;

/** RT's English wording for a comment transaction (descriptions are localised; other languages read as replies). */
export const COMMENT_DESCRIPTION = /\bcomments? added\b/i;
