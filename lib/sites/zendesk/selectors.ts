import type { SelectorList } from '../selector-table';

/**
 * Zendesk Agent Workspace, as public extensions and test scripts see it (see
 * shared/reference/helpdesk-dom.md §1). Newest UI first; none of this is a Zendesk contract.
 * Checked against: public selectors collected 2025; fixture tests/fixtures/zendesk-ticket.html.
 */
export const ZENDESK = {
  /** The selected header tab, whose entity id is the active ticket. */
  activeTab: [
    '[data-test-id="header-tab"][aria-current="page"]',
    'a[data-test-id="header-tab"][data-entity-type="TICKET_ENTITY_TYPE"][data-entity-is-selected="true"]',
    'header div[data-selected="true"][data-entity-id]',
  ],
  /** Every open ticket keeps its pane mounted; this is the one to scope to (`{id}` replaced). */
  ticketRoot: [
    '.ticket-panes-grid-layout[data-ticket-id="{id}"]',
    '[data-test-id="ticket-{id}-custom-layout"]',
    '[data-ticket-id="{id}"]',
  ],
  subject: ['input[data-test-id="omni-header-subject"]', '[data-test-id="ticket-pane-subject"]', 'input[name="subject"]'],
  requester: ['[data-test-id="ticket-system-field-requester-select"]'],
  status: ['[data-test-id="ticket-fields-status-view"]', 'button[data-test-id="submit_button-button"] strong'],
  priority: ['[data-test-id="ticket-fields-priority-select"] [data-garden-id="dropdowns.combobox.value"]', '[data-test-id="ticket-fields-priority-select"]'],
  tags: ['[data-test-id="ticket-system-field-tags-item-selected"]', '[data-garden-id="tags.tag_view"]', '.garden-tag-item'],

  logContainer: ['[data-test-id="omni-log-container"]'],
  logEntry: ['article[data-test-id="omni-log-comment-item"]', '[data-test-id="interaction-history-event"]'],
  entryMessage: ['[data-test-id="omni-log-item-message"]'],
  entryContent: ['[data-test-id="omni-log-message-content"]'],
  entrySender: ['[data-test-id="omni-log-comment-user-link"]', '[data-test-id="omni-log-item-sender"]'],
  entryInternalNote: ['[data-test-id="omni-log-internal-note-tag"]'],
  entryTime: ['time[data-test-id="timestamp-relative"]', 'time[data-test-id^="timestamp-"]', 'time[datetime]'],
  /** Not part of what was said. */
  textNoise: ['svg', 'div.signature', 'button', '[data-zes-id]', '[data-test-id="convo-log-item-read-indicator"]'],

  composer: [
    '.ck-editor__editable[data-test-id="omnicomposer-rich-text-ckeditor"]',
    '[data-test-id="omnicomposer-plain-text-ckeditor"][contenteditable="true"]',
    '[data-test-id="ticket-rich-text-editor"] [contenteditable="true"][role="textbox"]',
    '.zendesk-editor--rich-text-container [contenteditable="true"]',
  ],
  channelSwitcher: ['[data-test-id="omnichannel-channel-switcher-button"]', '[data-channel-switcher-trigger-for-ticket-id]'],
  submit: ['[data-test-id="submit_button-button"]'],
} as const satisfies Record<string, SelectorList | RegExp | readonly RegExp[]>;
