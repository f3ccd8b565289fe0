import { browser, type Browser } from 'wxt/browser';
import type { z } from 'zod';
import { describeIssues } from '../contract/issues';

/**
 * Background services called like local functions: a helpdesk tab writes
 * `await panel.capture(annotation)` and the background worker runs `capture` (in the style of
 * `@webext-core/proxy-service`). That library is not used because its `registerService` hands a
 * method neither the sender nor a place to validate, and resolves any property path a message
 * names; here every call is answered only for the senders its service admits, and only after its
 * arguments pass the service's zod schemas. Nothing in this file knows what a service does.
 */

export interface CallError {
  code: string;
  message: string;
  /** When to ask again, from the backend's `Retry-After` (429/503), in ms. */
  retryAfterMs?: number;
}

/** Every answer is data, `{ok: true, ...}` or `{ok: false, error}`: no call throws across the boundary. */
export type Reply<T extends object = object> = ({ ok: true } & T) | { ok: false; error: CallError };

// Any argument list: each service's schemas pin its methods' arguments down.
type Method = (...args: any[]) => Promise<Reply>;
export type Methods = Record<string, Method>;

/** One zod schema per method, for its argument list (a tuple). */
export type ArgumentSchemas<M extends Methods> = { [K in keyof M]: z.ZodType<Parameters<M[K]>> };

export interface ServiceDefinition<M extends Methods, Caller> {
  name: string;
  /** Who may call: the caller as the methods need it, or null to refuse the sender (may look settings up first). */
  admit(sender: Browser.runtime.MessageSender): Caller | null | Promise<Caller | null>;
  /** Inferred from `methods`, then checked: each schema must produce exactly its method's arguments. */
  args: NoInfer<ArgumentSchemas<M>>;
  /** The methods, for one admitted caller. */
  methods(caller: Caller): M;
}

/** Ties a service's methods to the schemas of their arguments (type inference only). */
export const defineService = <M extends Methods, Caller>(definition: ServiceDefinition<M, Caller>) => definition;

/** The methods a tab or page calls: those of the service definition `S`. */
export type ServiceOf<S extends { methods(caller: never): Methods }> = ReturnType<S['methods']>;

/** What travels as a runtime message. */
interface Call {
  aitl: 'call';
  service: string;
  method: string;
  args: unknown[];
}

const fail = (code: string, message: string) => ({ ok: false as const, error: { code, message } });

// Tabs and pages -----------------------------------------------------------------------------

/**
 * A service of the background worker, called like a local object. Transport failures (extension
 * reloaded, worker gone) come back as `{ok: false}` too. Answers are typed, not re-validated: the
 * background is the trusted side, and the schema library stays out of the helpdesk page's bundles.
 */
export function backgroundService<M extends Methods>(name: string): M {
  return new Proxy({} as M, {
    get(_target, method) {
      // `await` looks up `then`: the service itself is not a promise.
      if (typeof method !== 'string' || method === 'then') return undefined;
      return (...args: unknown[]) => call({ aitl: 'call', service: name, method, args });
    },
  });
}

async function call(message: Call): Promise<Reply> {
  // Runtime messages are JSON: a trailing `undefined` argument would arrive as null.
  while (message.args.length > 0 && message.args.at(-1) === undefined) message.args.pop();
  try {
    const reply = (await browser.runtime.sendMessage(message)) as Reply | undefined;
    if (reply && typeof reply === 'object' && typeof reply.ok === 'boolean') return reply;
    return fail('bad_reply', 'AITL got no answer from its background; reload this page');
  } catch (error) {
    const text = String((error as Error)?.message ?? error);
    return text.includes('context invalidated')
      ? fail('unreachable', 'AITL was updated or reloaded: reload this page to reconnect')
      : fail('unreachable', `AITL's background is not answering (${text}); reload this page`);
  }
}

// The background worker ----------------------------------------------------------------------

type AnyService = ServiceDefinition<Methods, unknown>;

/** Answers every call to these services. Once, in the background worker. */
export function serveBackground(services: AnyService[]): void {
  browser.runtime.onMessage.addListener((message, sender, sendResponse) => {
    if (!isCall(message)) return false; // not ours: no answer at all
    void answerCall(services, message, sender).then(sendResponse);
    return true; // answers asynchronously
  });
}

const isCall = (message: unknown): message is Partial<Call> => typeof message === 'object' && message !== null && (message as Call).aitl === 'call';

/** One call: the sender first, then the method and its arguments, then the method itself. */
export async function answerCall(services: AnyService[], message: unknown, sender: Browser.runtime.MessageSender): Promise<Reply> {
  const { service: name, method, args } = isCall(message) ? message : {};
  const service = services.find((s) => s.name === name);
  if (!service) return fail('bad_message', `message refused: there is no background service "${String(name)}"`);
  const caller = await service.admit(sender);
  if (caller === null) return fail('forbidden', `message refused: the ${service.name} service does not answer ${sender.url ?? 'this sender'}`);
  // Own keys only: a message must not reach `constructor` or anything else up the prototype chain.
  if (typeof method !== 'string' || !Object.hasOwn(service.args, method)) return fail('bad_message', `message refused: the ${service.name} service has no call "${String(method)}"`);
  const parsed = service.args[method]!.safeParse(args);
  if (!parsed.success) return fail('bad_message', `message refused: ${method}(): ${describeIssues(parsed.error)}`);
  try {
    return await service.methods(caller)[method]!(...parsed.data);
  } catch (error) {
    return fail('internal', `AITL background error: ${(error as Error)?.message ?? error}`);
  }
}
