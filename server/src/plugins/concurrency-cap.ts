import type { FastifyReply, FastifyRequest, onRequestAsyncHookHandler, preValidationAsyncHookHandler } from 'fastify';
import { HttpError } from './errors';

export interface ConcurrencyCapOptions {
  /** Requests of the route served at once. */
  concurrency: number;
  /** How long a request may wait for a turn before it is shed, in milliseconds. */
  maxWaitMs: number;
  /** Sent as Retry-After on a shed request. */
  retryAfterSeconds: number;
  /** Named in the 503's message. */
  route: string;
}

/** Waiting requests kept per served slot; beyond it a request is shed at once rather than queued. */
const QUEUE_PER_SLOT = 16;

interface CapState {
  readonly inFlight: number;
  readonly waiting: number;
  /** Let through the early check, not yet at the slot. */
  readonly arriving: number;
  /**
   * An onRequest hook, before the token lookup and the body: when the queue already moves too slowly
   * for a newcomer to get a slot within the wait, it is shed at once, at almost no cost.
   */
  readonly early: onRequestAsyncHookHandler;
}

export type ConcurrencyCap = preValidationAsyncHookHandler & CapState;

/**
 * A preValidation hook (after the token is checked and the body read, so a slow client holds no
 * slot) that lets `concurrency` requests of a route run at once and queues the rest
 * for at most `maxWaitMs`. Past that, or with a full queue, the request gets a quick 503 with
 * Retry-After, which the extension honours: under a crowd a few agents wait a second or two
 * instead of everyone's suggestion arriving late (queued work only adds latency once the
 * database is busy). A request that could not get a slot within the wait at the queue's
 * current pace (queue length × observed service time, counting those still on their way to the
 * slot) is shed at once, before its token lookup or body, rather than after waiting. The slot is
 * freed when the response closes, sent or aborted.
 */
export function concurrencyCap(options: ConcurrencyCapOptions): ConcurrencyCap {
  let inFlight = 0;
  const queue: { admit(): void; timer: NodeJS.Timeout }[] = [];
  /**
   * Requests let through the early check and not yet at the slot (their token is being checked
   * or their body read): a burst that arrives in one turn of the loop would otherwise all pass
   * the early check against the same empty queue, and each cost a token lookup before being shed.
   */
  let arriving = 0;
  /** Moving average of how long a request holds its slot: how fast the queue moves. */
  let serviceMs = 0;
  /**
   * Whether a request with `ahead` others before it in line could not get a slot within the wait,
   * at the pace the queue moves now: past the free slots, each `concurrency` requests ahead cost
   * one service time.
   */
  const hopeless = (ahead: number) => {
    const beyondSlots = ahead + 1 - options.concurrency;
    return beyondSlots > 0 && (serviceMs * beyondSlots) / options.concurrency > options.maxWaitMs;
  };
  const shed = () =>
    new HttpError(503, 'unavailable', `the server is busy with other ${options.route} requests; nothing was stored, retry in ${options.retryAfterSeconds} s`, undefined, options.retryAfterSeconds);

  const release = () => {
    const next = queue.shift();
    if (next) {
      clearTimeout(next.timer);
      next.admit(); // the slot passes straight to the next in line
    } else inFlight--;
  };

  /** Requests counted in `arriving`, until they reach the slot or their response closes. */
  const arrived = new WeakSet<FastifyRequest>();
  const reachSlot = (request: FastifyRequest) => {
    if (arrived.delete(request)) arriving--;
  };

  const hook = async (request: FastifyRequest, reply: FastifyReply) => {
    reachSlot(request);
    // Registered first, so a caller who gives up while queued leaves the queue too.
    let state: 'waiting' | 'holding' | 'closed' = 'waiting';
    let leaveQueue = () => {};
    let heldSince = 0;
    reply.raw.once('close', () => {
      if (state === 'holding') {
        const held = performance.now() - heldSince;
        serviceMs = serviceMs === 0 ? held : 0.8 * serviceMs + 0.2 * held;
        release();
      }
      else if (state === 'waiting') leaveQueue();
      state = 'closed';
    });
    if (inFlight < options.concurrency) {
      inFlight++;
      state = 'holding';
      heldSince = performance.now();
      return;
    }
    // Only those already in line are ahead of it here; those still arriving come after.
    if (queue.length >= options.concurrency * QUEUE_PER_SLOT || options.maxWaitMs === 0 || hopeless(inFlight + queue.length)) throw shed();
    await new Promise<void>((resolve, reject) => {
      const entry = {
        admit: () => {
          if (state === 'waiting') state = 'holding';
          heldSince = performance.now();
          resolve();
        },
        timer: setTimeout(() => {
          queue.splice(queue.indexOf(entry), 1);
          reject(shed());
        }, options.maxWaitMs),
      };
      leaveQueue = () => {
        clearTimeout(entry.timer);
        const at = queue.indexOf(entry);
        if (at >= 0) queue.splice(at, 1);
        reject(shed());
      };
      queue.push(entry);
    });
  };
  const early = async (request: FastifyRequest, reply: FastifyReply) => {
    if (hopeless(inFlight + queue.length + arriving)) throw shed();
    arriving++;
    arrived.add(request);
    // Refused on the way (a bad token, a bad body) or abandoned: it never reaches the slot.
    reply.raw.once('close', () => reachSlot(request));
  };
  return Object.defineProperties(hook, {
    inFlight: { get: () => inFlight },
    waiting: { get: () => queue.length },
    arriving: { get: () => arriving },
    early: { value: early },
  }) as typeof hook & CapState;
}
