// @ts-check
// The demo helpdesk's page script: builds the workspace from /demo/tickets.json, switches tickets
// without a reload (pushState, as Zendesk's single-page app does) and "sends" a reply by adding it
// to the conversation. Ticket text is only ever set with textContent: it may hold markup.

const AGENT = 'Demo Agent';

/**
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, string>} [attrs]
 * @param {(Node | string)[]} [children]
 * @returns {HTMLElementTagNameMap[K]}
 */
function el(tag, attrs = {}, children = []) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

/** @param {string} iso */
function clock(iso) {
  return new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

/** One conversation entry, in Zendesk's omni-log markup. @param {{ role: string, author: string, text: string, at: string }} m */
function entry(m) {
  const type = m.role === 'customer' ? 'end-user' : 'agent';
  const content = el('div', { 'data-test-id': 'omni-log-message-content' }, m.text.split('\n').map((line) => el('p', {}, [line])));
  return el('article', { 'data-test-id': 'omni-log-comment-item', 'aria-label': m.author, 'data-author-role': m.role }, [
    el('div', { class: 'who' }, [el('a', { 'data-test-id': 'omni-log-comment-user-link' }, [m.author]), el('time', { 'data-test-id': 'timestamp-relative', datetime: m.at }, [clock(m.at)])]),
    el('div', { 'data-test-id': 'omni-log-item-message', type }, [content]),
  ]);
}

/** The reply box's paragraphs as text lines. @param {HTMLElement} editable */
function composerLines(editable) {
  const blocks = [...editable.querySelectorAll('p')];
  const lines = blocks.length > 0 ? blocks.map((p) => p.textContent ?? '') : (editable.innerText ?? '').split('\n');
  while (lines.length > 0 && !lines[lines.length - 1]?.trim()) lines.pop();
  return lines;
}

/** @param {HTMLElement} editable @param {string[]} lines */
function setComposer(editable, lines) {
  editable.replaceChildren(...(lines.length > 0 ? lines : ['']).map((line) => el('p', {}, line ? [line] : [el('br')])));
}

/** @param {HTMLElement} editable */
function caretToEnd(editable) {
  const range = document.createRange();
  range.selectNodeContents(editable);
  range.collapse(false);
  const selection = getSelection();
  selection?.removeAllRanges();
  selection?.addRange(range);
}

/** One ticket's panes: properties, conversation with composer and submit, and room for apps. */
function pane(/** @type {{ ticketId: string, subject: string, requester: string, messages: { role: string, author: string, text: string, at: string }[] }} */ t) {
  const log = el('div', { 'data-test-id': 'omni-log-container' }, t.messages.map(entry));
  const editable = el('div', {
    class: 'ck ck-content ck-editor__editable ck-editor__editable_inline',
    contenteditable: 'true',
    role: 'textbox',
    'aria-label': `Reply to ${t.requester}`,
    'data-test-id': 'omnicomposer-rich-text-ckeditor',
  });
  setComposer(editable, []);
  // Like CKEditor's clipboard pipeline: a paste is inserted as plain paragraphs, never as markup.
  editable.addEventListener('paste', (event) => {
    const text = event.clipboardData?.getData('text/plain') ?? '';
    event.preventDefault();
    if (!text) return;
    const before = composerLines(editable);
    const pasted = text.replace(/\r\n?/g, '\n').split('\n');
    if (before.length > 0) pasted[0] = `${before.pop()}${pasted[0]}`;
    setComposer(editable, [...before, ...pasted]);
    caretToEnd(editable);
    editable.dispatchEvent(new Event('input', { bubbles: true }));
  });
  const send = () => {
    const lines = composerLines(editable);
    if (!lines.some((line) => line.trim())) return;
    // The server round trip: the entry appears a moment after the click, then the box clears.
    setTimeout(() => {
      log.append(entry({ role: 'agent', author: AGENT, text: lines.join('\n'), at: new Date().toISOString() }));
      log.scrollTop = log.scrollHeight;
      setComposer(editable, []);
    }, 150);
  };
  editable.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      send();
    }
  });
  const submit = el('button', { type: 'button', 'data-test-id': 'submit_button-button' }, ['Submit as ', el('strong', {}, ['Solved'])]);
  submit.addEventListener('click', send);

  return el('div', { class: 'ticket-panes-grid-layout', 'data-ticket-id': t.ticketId, 'data-test-id': `ticket-${t.ticketId}-custom-layout` }, [
    el('aside', { class: 'context', 'aria-label': 'Ticket properties' }, [
      el('dl', {}, [
        el('dt', {}, ['Requester']),
        el('dd', { 'data-test-id': 'ticket-system-field-requester-select' }, [t.requester]),
        el('dt', {}, ['Assignee']),
        el('dd', {}, [AGENT]),
        el('dt', {}, ['Priority']),
        el('dd', { 'data-test-id': 'ticket-fields-priority-select' }, ['Normal']),
        el('dt', {}, ['Tags']),
        el('dd', {}, [el('span', { class: 'tag', 'data-test-id': 'ticket-system-field-tags-item-selected' }, ['demo'])]),
      ]),
    ]),
    el('section', { class: 'conversation', 'data-ticket-id': t.ticketId, 'aria-label': 'Conversation' }, [
      el('div', { class: 'ticket-heading' }, [
        el('input', { 'data-test-id': 'omni-header-subject', 'aria-label': 'Subject', value: t.subject, readonly: '' }),
        el('div', { class: 'ticket-number' }, [`Ticket #${t.ticketId} · via email`]),
      ]),
      log,
      el('div', { class: 'composer', 'data-test-id': 'omnicomposer-rich-text' }, [
        el('button', { type: 'button', 'data-test-id': 'omnichannel-channel-switcher-button', 'data-channel': 'email', 'aria-label': 'Public reply', 'data-channel-switcher-trigger-for-ticket-id': t.ticketId }, ['Public reply']),
        editable,
      ]),
      el('div', { class: 'ticket-footer' }, [el('div', { 'data-test-id': 'ticket-fields-status-view' }, ['Open']), submit]),
    ]),
    el('div', { class: 'apps', 'aria-hidden': 'true' }),
  ]);
}

const idInPath = () => /^\/agent\/tickets\/(\d+)/.exec(location.pathname)?.[1] ?? null;

/** Marks the URL's ticket as the active tab and pane, as Zendesk does a moment after a switch. */
function activate() {
  const id = idInPath();
  for (const tab of document.querySelectorAll('a[data-test-id="header-tab"]')) {
    const selected = tab.getAttribute('data-entity-id') === id;
    tab.setAttribute('data-entity-is-selected', String(selected));
    if (selected) tab.setAttribute('aria-current', 'page');
    else tab.removeAttribute('aria-current');
  }
  for (const p of document.querySelectorAll('.ticket-panes-grid-layout')) p.classList.toggle('active', p.getAttribute('data-ticket-id') === id);
  const active = document.querySelector('.ticket-panes-grid-layout.active input[data-test-id="omni-header-subject"]');
  if (active instanceof HTMLInputElement) document.title = `${active.value} · Lumio Support`;
}

async function start() {
  const workspace = /** @type {HTMLElement} */ (document.getElementById('workspace'));
  const nav = /** @type {HTMLElement} */ (document.querySelector('nav.tabs'));
  let tickets;
  try {
    const response = await fetch('/demo/tickets.json');
    if (!response.ok) throw new Error(`GET /demo/tickets.json answered ${response.status}`);
    tickets = /** @type {{ tickets: Parameters<typeof pane>[0][] }} */ (await response.json()).tickets;
  } catch (error) {
    workspace.replaceChildren(el('p', { class: 'error' }, [`Could not load the demo tickets (${error instanceof Error ? error.message : String(error)}). Is aitl serve --demo still running?`]));
    return;
  }
  nav.replaceChildren(
    ...tickets.map((t) =>
      el('a', { 'data-test-id': 'header-tab', 'data-entity-type': 'TICKET_ENTITY_TYPE', 'data-entity-id': t.ticketId, 'data-entity-is-selected': 'false', href: `/agent/tickets/${t.ticketId}`, title: t.subject }, [
        el('span', { 'data-test-id': 'header-tab-title' }, [t.subject]),
        el('small', {}, [`#${t.ticketId}`]),
      ]),
    ),
  );
  workspace.replaceChildren(...tickets.map(pane));
  nav.addEventListener('click', (event) => {
    const tab = event.target instanceof Element ? event.target.closest('a[data-test-id="header-tab"]') : null;
    if (!tab || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    if (tab.getAttribute('href') !== location.pathname) history.pushState({}, '', tab.getAttribute('href'));
    setTimeout(activate, 30);
  });
  addEventListener('popstate', () => setTimeout(activate, 30));
  activate();
}

void start();
