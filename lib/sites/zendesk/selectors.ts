import type { SelectorList } from '../selector-table';

/** The saved pages (tests/fixtures/) that show each candidate. */
const WORKSPACE = 'zendesk/agent-workspace.html';
/** Older and channel-specific markup: the 2021 header, older panes and composers, messaging tickets. */
const VARIANTS = 'zendesk/markup-variants.html';

/**
 * Zendesk Agent Workspace, as public extensions and test scripts see it (where each was seen:
 * shared/reference/helpdesk-dom.md §1). Newest UI first; none of this is a Zendesk contract.
 * Every candidate carries the day it was last seen and the fixture page it matches in.
 */
export const ZENDESK = {
  /** The selected header tab, whose entity id is the active ticket. */
  activeTab: [
    { css: '[data-test-id="header-tab"][aria-current="page"]', seen: '2026-11-25', fixture: WORKSPACE },
    { css: 'a[data-test-id="header-tab"][data-entity-type="TICKET_ENTITY_TYPE"][data-entity-is-selected="true"]', seen: '2026-11-25', fixture: WORKSPACE },
    { css: 'header div[data-selected="true"][data-entity-id]', seen: '2026-11-25', fixture: VARIANTS },
  ],
  /** Every open ticket keeps its pane mounted; this is the one to scope to (`{id}` replaced). */
  ticketRoot: [
    { css: '.ticket-panes-grid-layout[data-ticket-id="{id}"]', seen: '2026-11-25', fixture: WORKSPACE },
    { css: '[data-test-id="ticket-{id}-custom-layout"]', seen: '2026-11-25', fixture: WORKSPACE },
    { css: '[data-ticket-id="{id}"]', seen: '2026-11-25', fixture: WORKSPACE },
  ],
  subject: [
    { css: 'input[data-test-id="omni-header-subject"]', seen: '2026-11-25', fixture: WORKSPACE },
    { css: '[data-test-id="ticket-pane-subject"]', seen: '2026-11-25', fixture: VARIANTS },
    { css: 'input[name="subject"]', seen: '2026-11-25', fixture: VARIANTS },
  ],
  requester: [
    { css: '[data-test-id="ticket-system-field-requester-select"]', seen: '2026-11-25', fixture: WORKSPACE },
  ],
  status: [
    { css: '[data-test-id="ticket-fields-status-view"]', seen: '2026-11-25', fixture: WORKSPACE },
    { css: 'button[data-test-id="submit_button-button"] strong', seen: '2026-11-25', fixture: WORKSPACE },
  ],
  priority: [
    { css: '[data-test-id="ticket-fields-priority-select"] [data-garden-id="dropdowns.combobox.value"]', seen: '2026-11-25', fixture: WORKSPACE },
    { css: '[data-test-id="ticket-fields-priority-select"]', seen: '2026-11-25', fixture: WORKSPACE },
  ],
  tags: [
    { css: '[data-test-id="ticket-system-field-tags-item-selected"]', seen: '2026-11-25', fixture: WORKSPACE },
    { css: '[data-garden-id="tags.tag_view"]', seen: '2026-11-25', fixture: VARIANTS },
    { css: '.garden-tag-item', seen: '2026-11-25', fixture: VARIANTS },
  ],

  logContainer: [
    { css: '[data-test-id="omni-log-container"]', seen: '2026-11-25', fixture: WORKSPACE },
  ],
  logEntry: [
    { css: 'article[data-test-id="omni-log-comment-item"]', seen: '2026-11-25', fixture: WORKSPACE },
    { css: '[data-test-id="interaction-history-event"]', seen: '2026-11-25', fixture: VARIANTS },
  ],
  entryMessage: [
    { css: '[data-test-id="omni-log-item-message"]', seen: '2026-11-25', fixture: WORKSPACE },
  ],
  entryContent: [
    { css: '[data-test-id="omni-log-message-content"]', seen: '2026-11-25', fixture: WORKSPACE },
  ],
  entrySender: [
    { css: '[data-test-id="omni-log-comment-user-link"]', seen: '2026-11-25', fixture: WORKSPACE },
    { css: '[data-test-id="omni-log-item-sender"]', seen: '2026-11-25', fixture: VARIANTS },
  ],
  entryInternalNote: [
    { css: '[data-test-id="omni-log-internal-note-tag"]', seen: '2026-11-25', fixture: WORKSPACE },
  ],
  entryTime: [
    { css: 'time[data-test-id="timestamp-relative"]', seen: '2026-11-25', fixture: WORKSPACE },
    { css: 'time[data-test-id^="timestamp-"]', seen: '2026-11-25', fixture: WORKSPACE },
    { css: 'time[datetime]', seen: '2026-11-25', fixture: WORKSPACE },
  ],
  /** Not part of what was said. */
  textNoise: [
    { css: 'svg', seen: '2026-11-25', fixture: VARIANTS },
    { css: 'div.signature', seen: '2026-11-25', fixture: WORKSPACE },
    { css: 'button', seen: '2026-11-25', fixture: WORKSPACE },
    { css: '[data-zes-id]', seen: '2026-11-25', fixture: VARIANTS },
    { css: '[data-test-id="convo-log-item-read-indicator"]', seen: '2026-11-25', fixture: VARIANTS },
  ],

  composer: [
    { css: '.ck-editor__editable[data-test-id="omnicomposer-rich-text-ckeditor"]', seen: '2026-11-25', fixture: WORKSPACE },
    { css: '[data-test-id="omnicomposer-plain-text-ckeditor"][contenteditable="true"]', seen: '2026-11-25', fixture: VARIANTS },
    { css: '[data-test-id="ticket-rich-text-editor"] [contenteditable="true"][role="textbox"]', seen: '2026-11-25', fixture: VARIANTS },
    { css: '.zendesk-editor--rich-text-container [contenteditable="true"]', seen: '2026-11-25', fixture: VARIANTS },
  ],
  channelSwitcher: [
    { css: '[data-test-id="omnichannel-channel-switcher-button"]', seen: '2026-11-25', fixture: WORKSPACE },
    { css: '[data-channel-switcher-trigger-for-ticket-id]', seen: '2026-11-25', fixture: WORKSPACE },
  ],
  submit: [
    { css: '[data-test-id="submit_button-button"]', seen: '2026-11-25', fixture: WORKSPACE },
  ],
} as const satisfies Record<string, SelectorList>;
