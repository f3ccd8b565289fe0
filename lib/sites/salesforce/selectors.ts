import type { SelectorList } from '../selector-table';

/**
 * Salesforce Lightning Service Console (see shared/reference/helpdesk-dom.md §2). Lightning keeps
 * hidden cached views of earlier records mounted, and newer orgs render LWC in native shadow
 * DOM, so lookups go through the active tab's pane with a query that walks open shadow roots.
 * Checked against: public selectors collected 2025; fixtures tests/fixtures/salesforce-*.html.
 */
export const SALESFORCE = {
  /** The visible console tab's pane (cached tabs lack `active` or are display:none). */
  activePane: ['.tabContent.active.oneConsoleTab', '.oneConsoleTab.active', '.windowViewMode-normal.oneContent.active', '.oneContent.active'],
  /** `{label}` replaced by the field's label. */
  field: ['records-record-layout-item[field-label="{label}"]'],
  fieldValue: ['lightning-formatted-text', '.test-id__field-value', '[slot="outputField"]', 'force-lookup a', 'a'],
  highlightsItem: ['records-highlights-details-item'],
  highlightsLabel: ['.slds-text-title', 'p'],

  feedItem: ['article.cuf-feedItem', '.cuf-feedElement', '.forceChatterFeedItem'],
  feedBody: ['.feedBodyInner', '.cuf-feedBodyText', '.feedBody'],
  feedAuthor: ['a[href*="/lightning/r/"]', '.cuf-entityLinkId'],

  publisherTabSelected: ['a[role="tab"][aria-selected="true"]', 'li[role="tab"][aria-selected="true"]'],
  quill: ['.forceChatterPublisherPresentationDesktop .ql-editor[contenteditable="true"]', '.ql-editor[contenteditable="true"]'],
  emailOuterFrame: ['iframe[title="CK Editor Container"]'],
  emailBodyFrame: ['iframe[title="Email Body"]'],
  emailBody: ['body.cke_editable', 'body[contenteditable="true"]'],
  textarea: ['textarea'],
  submit: ['button.cuf-publisherShareButton'],
} as const satisfies Record<string, SelectorList | RegExp | readonly RegExp[]>;
