import { browser } from 'wxt/browser';
import { Replies, type ContentMessage, type MessageKind, type PageMessage, type ReplyTo } from '../contract';

type Message = ContentMessage | PageMessage;

/**
 * Sends a typed message to the background and validates the reply. Failures (extension reloaded,
 * worker unreachable, malformed reply) come back as `{ok: false}` data, never as a throw.
 */
export async function send<K extends MessageKind>(message: Extract<Message, { kind: K }>): Promise<ReplyTo<K>> {
  let raw: unknown;
  try {
    raw = await browser.runtime.sendMessage(message);
  } catch (error) {
    const text = String((error as Error)?.message ?? error);
    const message = text.includes('context invalidated')
      ? 'AITL was updated or reloaded: reload this page to reconnect'
      : `AITL's background is not answering (${text}); reload this page`;
    return { ok: false, error: { code: 'unreachable', message } } as ReplyTo<K>;
  }
  const parsed = Replies[message.kind].safeParse(raw);
  if (!parsed.success) return { ok: false, error: { code: 'bad_reply', message: 'AITL got a reply it did not understand; reload this page' } } as ReplyTo<K>;
  return parsed.data as ReplyTo<K>;
}
