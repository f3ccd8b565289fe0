import { browser } from 'wxt/browser';
import type { ContentMessage, MessageKind, PageMessage, ReplyTo } from '../contract';

type Message = ContentMessage | PageMessage;

/**
 * Sends a typed message to the background. The background validates every message it receives
 * against the contract and answers `{ok: true, ...}` or `{ok: false, error}`; transport failures
 * (extension reloaded, worker unreachable) come back the same way, never as a throw. Replies are
 * typed but not re-validated here: the background is the trusted side, and this keeps the schema
 * library out of the content script that loads on every helpdesk page.
 */
export async function send<K extends MessageKind>(message: Extract<Message, { kind: K }>): Promise<ReplyTo<K>> {
  try {
    const reply = (await browser.runtime.sendMessage(message)) as ReplyTo<K> | undefined;
    if (reply && typeof reply === 'object' && typeof reply.ok === 'boolean') return reply;
    return { ok: false, error: { code: 'bad_reply', message: 'AITL got no answer from its background; reload this page' } } as ReplyTo<K>;
  } catch (error) {
    const text = String((error as Error)?.message ?? error);
    const message = text.includes('context invalidated')
      ? 'AITL was updated or reloaded: reload this page to reconnect'
      : `AITL's background is not answering (${text}); reload this page`;
    return { ok: false, error: { code: 'unreachable', message } } as ReplyTo<K>;
  }
}
