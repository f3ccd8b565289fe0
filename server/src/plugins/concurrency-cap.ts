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
 *
 * The wait is counted from the request's arrival (the early hook), not from when it reached the
 * queue: its token lookup and body count against it. And it is checked again when a slot passes to
 * a request, not only by its timer: a timer fires late when the event loop is busy (PGlite's
 * statements run on it), and a slot freed in the same turn would otherwise go to a request that
 * has already waited past its time. So a request that had to queue starts its work at most
 * `maxWaitMs` after it arrived (one that finds a free slot starts at once), and is answered within
 * that plus its service time.
 */
export function concurrencyCap(options: ConcurrencyCapOptions): ConcurrencyCap {
  let inFlight = 0;
  const queue: { admit(): void; shed(): void; arrivedAt: number; timer: NodeJS.Timeout }[] = [];
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
    for (let next = queue.shift(); next; next = queue.shift()) {
      clearTimeout(next.timer);
      // Past its wait (its timer is due but has not run yet): shed, and offer the slot to the one behind it.
      if (performance.now() - next.arrivedAt > options.maxWaitMs) {
        next.shed();
        continue;
      }
      next.admit(); // the slot passes straight to the next in line
      return;
    }
    inFlight--;
  };

  /** When each request passed the early check: its wait runs from there. */
  const arrivals = new WeakMap<FastifyRequest, number>();
  /** Requests counted in `arriving`, until they reach the slot or their response closes. */
  const arrived = new WeakSet<FastifyRequest>();
  const reachSlot = (request: FastifyRequest) => {
    if (arrived.delete(request)) arriving--;
  };

  const hook = async (request: FastifyRequest, reply: FastifyReply) => {
    reachSlot(request);
    const arrivedAt = arrivals.get(request) ?? performance.now();
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
    // What is left of its wait once its token was looked up and its body read.
    const waitLeft = options.maxWaitMs - (performance.now() - arrivedAt);
    if (queue.length >= options.concurrency * QUEUE_PER_SLOT || waitLeft <= 0 || hopeless(inFlight + queue.length)) throw shed();
    await new Promise<void>((resolve, reject) => {
      const entry = {
        arrivedAt,
        admit: () => {
          if (state === 'waiting') state = 'holding';
          heldSince = performance.now();
          resolve();
        },
        shed: () => reject(shed()),
        timer: setTimeout(() => {
          queue.splice(queue.indexOf(entry), 1);
          reject(shed());
        }, waitLeft),
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
    arrivals.set(request, performance.now());
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
