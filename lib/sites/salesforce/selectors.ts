import type { SelectorList } from '../selector-table';

/** The saved pages (tests/fixtures/) that show each candidate. */
const CONSOLE = 'salesforce/case-console.html';
/** Older feed markup and the plain case-comment publisher. */
const VARIANTS = 'salesforce/markup-variants.html';

/**
 * Salesforce Lightning Service Console (where each was seen: shared/reference/helpdesk-dom.md §2).
 * Lightning keeps hidden cached views of earlier records mounted, and newer orgs render LWC in
 * native shadow DOM, so lookups go through the active tab's pane with a query that walks open
 * shadow roots. Every candidate carries the day it was last seen and the fixture page it matches in.
 */
export const SALESFORCE = {
  /** The visible console tab's pane (cached tabs lack `active` or are display:none). */
  activePane: [
    { css: '.tabContent.active.oneConsoleTab', seen: '2026-11-25', fixture: CONSOLE },
    { css: '.oneConsoleTab.active', seen: '2026-11-25', fixture: CONSOLE },
    { css: '.windowViewMode-normal.oneContent.active', seen: '2026-11-25', fixture: CONSOLE },
    { css: '.oneContent.active', seen: '2026-11-25', fixture: CONSOLE },
  ],
  /** `{label}` replaced by the field's label. */
  field: [
    { css: 'records-record-layout-item[field-label="{label}"]', seen: '2026-11-25', fixture: CONSOLE },
  ],
  fieldValue: [
    { css: 'lightning-formatted-text', seen: '2026-11-25', fixture: CONSOLE },
    { css: '.test-id__field-value', seen: '2026-11-25', fixture: CONSOLE },
    { css: '[slot="outputField"]', seen: '2026-11-25', fixture: CONSOLE },
    { css: 'force-lookup a', seen: '2026-11-25', fixture: CONSOLE },
    { css: 'a', seen: '2026-11-25', fixture: CONSOLE },
  ],
  highlightsItem: [
    { css: 'records-highlights-details-item', seen: '2026-11-25', fixture: CONSOLE },
  ],
  highlightsLabel: [
    { css: '.slds-text-title', seen: '2026-11-25', fixture: CONSOLE },
    { css: 'p', seen: '2026-11-25', fixture: CONSOLE },
  ],
  highlightValue: [
    { css: 'lightning-formatted-text', seen: '2026-11-25', fixture: CONSOLE },
  ],

  feedItem: [
    { css: 'article.cuf-feedItem', seen: '2026-11-25', fixture: CONSOLE },
    { css: '.cuf-feedElement', seen: '2026-11-25', fixture: CONSOLE },
    { css: '.forceChatterFeedItem', seen: '2026-11-25', fixture: VARIANTS },
  ],
  feedBody: [
    { css: '.feedBodyInner', seen: '2026-11-25', fixture: CONSOLE },
    { css: '.cuf-feedBodyText', seen: '2026-11-25', fixture: VARIANTS },
  ],
  feedAuthor: [
    { css: 'a[href*="/lightning/r/"]', seen: '2026-11-25', fixture: CONSOLE },
  ],

  publisherTabSelected: [
    { css: 'a[role="tab"][aria-selected="true"]', seen: '2026-11-25', fixture: CONSOLE },
  ],
  quill: [
    { css: '.forceChatterPublisherPresentationDesktop .ql-editor[contenteditable="true"]', seen: '2026-11-25', fixture: CONSOLE },
    { css: '.ql-editor[contenteditable="true"]', seen: '2026-11-25', fixture: CONSOLE },
  ],
  emailOuterFrame: [
    { css: 'iframe[title="CK Editor Container"]', seen: '2026-11-25', fixture: CONSOLE },
  ],
  emailBodyFrame: [
    { css: 'iframe[title="Email Body"]', seen: '2026-11-25', fixture: CONSOLE },
  ],
  emailBody: [
    { css: 'body.cke_editable', seen: '2026-11-25', fixture: CONSOLE },
    { css: 'body[contenteditable="true"]', seen: '2026-11-25', fixture: CONSOLE },
  ],
  textarea: [
    { css: 'textarea', seen: '2026-11-25', fixture: VARIANTS },
  ],
  submit: [
    { css: 'button.cuf-publisherShareButton', seen: '2026-11-25', fixture: CONSOLE },
  ],
} as const satisfies Record<string, SelectorList>;
