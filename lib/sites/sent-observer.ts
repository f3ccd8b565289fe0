import { editSimilarity } from '../edit-similarity';
import type { Channel, SentEvent } from './types';

export interface SentObserverOptions {
  ticketId: string;
  /** Where submit clicks and Ctrl/Cmd+Enter are listened for (the ticket pane, or a frame's document). */
  targets: EventTarget[];
  isSubmit(target: Element): boolean;
  /** The composer's text right now (read when the agent presses send). */
  snapshot(): { text: string; channel: Channel } | null;
  /** The conversation's entries (element and text), to confirm the send by a new one. */
  entries(): { node: Node; text: string }[];
  /** Where new entries appear. */
  log(): Node | null;
  onSent(event: SentEvent): void;
  confirmTimeoutMs?: number;
}

/**
 * What was sent, in two steps: snapshot the composer when the agent presses send (a capture-phase
 * click or Ctrl/Cmd+Enter, before the helpdesk clears it), then confirm by a new conversation entry
 * that resembles the snapshot. A send the helpdesk refused (validation error, network) adds no
 * entry and is never reported.
 */
export function observeSent(options: SentObserverOptions): () => void {
  const timeoutMs = options.confirmTimeoutMs ?? 30_000;
  const pending = new Set<() => void>();

  const arm = (via: SentEvent['via']) => {
    const snap = options.snapshot();
    if (!snap || !snap.text.trim()) return;
    const before = new Set(options.entries().map((e) => e.node));
    const at = Date.now();
    const check = () => {
      const fresh = options.entries().filter((e) => !before.has(e.node)).map((e) => e.text);
      // The helpdesk may add its own formatting; a resemblance is enough to tie entry and snapshot.
      if (fresh.some((e) => editSimilarity(snap.text, e) >= 0.5 || e.includes(snap.text.trim().slice(0, 40)))) {
        stop();
        options.onSent({ ticketId: options.ticketId, text: snap.text, channel: snap.channel, at, via });
      }
    };
    const logNode = options.log();
    const observer = logNode ? new MutationObserver(check) : null;
    observer?.observe(logNode!, { childList: true, subtree: true, characterData: true });
    const timer = setTimeout(() => stop(), timeoutMs);
    const stop = () => {
      observer?.disconnect();
      clearTimeout(timer);
      pending.delete(stop);
    };
    pending.add(stop);
  };

  const onClick = (event: Event) => {
    const target = event.target as Element | null;
    if (target && typeof target.closest === 'function' && options.isSubmit(target)) arm('submit-click');
  };
  const onKey = (event: Event) => {
    const e = event as KeyboardEvent;
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) arm('keyboard');
  };
  for (const t of options.targets) {
    t.addEventListener('click', onClick, true);
    t.addEventListener('keydown', onKey, true);
  }
  return () => {
    for (const t of options.targets) {
      t.removeEventListener('click', onClick, true);
      t.removeEventListener('keydown', onKey, true);
    }
    for (const stop of [...pending]) stop();
  };
}
