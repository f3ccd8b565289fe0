import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { recordAudit, requestOrigin } from '../../auth/audit';
import type { EnrollmentConfig } from '../../config';
import type { Database } from '../../db/database';
import { HttpError } from '../../plugins/errors';

type Limiter = ReturnType<FastifyInstance['createRateLimit']>;
type Keyed = FastifyRequest & { throttleSubject: string };

/**
 * A counter over a time window keyed by a subject (a client IP, an enrollment key, an email),
 * kept by @fastify/rate-limit in this process's memory, like the API's per-token budget.
 */
class Counter {
  private readonly limiter: Limiter;

  constructor(app: FastifyInstance, max: number, timeWindow: number) {
    this.limiter = app.createRateLimit({ max, timeWindow, keyGenerator: (request) => (request as Keyed).throttleSubject });
  }

  /** Counts one (or only looks, with `count: false`); `over` once the budget is spent. */
  async check(request: FastifyRequest, subject: string, count = true): Promise<{ over: boolean; retryAfter: number }> {
    const keyed = Object.assign(Object.create(request) as Keyed, { throttleSubject: subject });
    const state = await this.limiter(keyed, { increment: count });
    if (state.isAllowed) return { over: false, retryAfter: 0 };
    return { over: count ? state.isExceeded : state.remaining === 0, retryAfter: Math.max(1, state.ttlInSeconds) };
  }
}

const MINUTE = 60_000;

/**
 * Budgets of the enrolment endpoints: per client IP and per key (requests), per email address
 * (enrolments), and per client IP for refused attempts, checked before a key is even looked up,
 * so guessing keys gets nowhere. A throttled subject is audited once per quarter hour, not once
 * per request, so a flood cannot fill the audit trail.
 */
export class EnrollmentThrottle {
  private readonly perClient: Counter;
  private readonly perKey: Counter;
  private readonly perAddress: Counter;
  private readonly failures: Counter;
  private readonly auditedOnce: Counter;

  constructor(
    app: FastifyInstance,
    private readonly db: Database,
    config: Pick<EnrollmentConfig, 'perMinute' | 'perAddressPerHour' | 'failuresPerQuarterHour'>,
  ) {
    this.perClient = new Counter(app, config.perMinute, MINUTE);
    this.perKey = new Counter(app, config.perMinute, MINUTE);
    this.perAddress = new Counter(app, config.perAddressPerHour, 60 * MINUTE);
    this.failures = new Counter(app, config.failuresPerQuarterHour, 15 * MINUTE);
    this.auditedOnce = new Counter(app, 1, 15 * MINUTE);
  }

  /** Before the body is looked at: a client over its refusals or its request budget goes no further. */
  async admitClient(request: FastifyRequest, reply: FastifyReply, via: Via): Promise<void> {
    const failed = await this.failures.check(request, request.ip, false);
    if (failed.over) {
      await this.refuse(request, reply, failed.retryAfter, { via, subject: `ip:${request.ip}`, reason: 'too_many_failures', tenantId: null });
    }
    const budget = await this.perClient.check(request, request.ip);
    if (budget.over) await this.refuse(request, reply, budget.retryAfter, { via, subject: `ip:${request.ip}`, reason: 'client_rate', tenantId: null });
  }

  async admitKey(request: FastifyRequest, reply: FastifyReply, key: { id: string; tenantId: string }, agent: string): Promise<void> {
    const budget = await this.perKey.check(request, key.id);
    if (budget.over) {
      await this.refuse(request, reply, budget.retryAfter, { via: 'enrollment', subject: `key:${key.id}`, reason: 'key_rate', tenantId: key.tenantId, enrollmentKeyId: key.id, agent });
    }
  }

  async admitAddress(request: FastifyRequest, reply: FastifyReply, via: Via, tenantId: string, agent: string, enrollmentKeyId?: string): Promise<void> {
    const budget = await this.perAddress.check(request, `${tenantId}:${agent}`);
    if (budget.over) {
      await this.refuse(request, reply, budget.retryAfter, { via, subject: `address:${tenantId}:${agent}`, reason: 'address_rate', tenantId, agent, enrollmentKeyId });
    }
  }

  /** A refused attempt from this client (bad key, failed sign-in) counts towards its lock-out. */
  async countFailure(request: FastifyRequest): Promise<void> {
    await this.failures.check(request, request.ip);
  }

  private async refuse(request: FastifyRequest, reply: FastifyReply, retryAfter: number, event: ThrottleEvent): Promise<never> {
    if (!(await this.auditedOnce.check(request, event.subject)).over) {
      await recordAudit(this.db, {
        tenantId: event.tenantId,
        action: 'enrollment.throttled',
        actor: event.enrollmentKeyId ? `enrollment key ${event.enrollmentKeyId}` : 'anonymous',
        reason: event.reason,
        agent: event.agent,
        enrollmentKeyId: event.enrollmentKeyId,
        origin: requestOrigin(request),
        detail: { via: event.via },
      });
    }
    request.log.warn({ reason: event.reason, ip: request.ip }, 'enrolment throttled');
    reply.header('retry-after', String(retryAfter));
    throw new HttpError(429, 'rate_limited', `too many enrolment attempts; retry in ${retryAfter} s`);
  }
}

type Via = 'enrollment' | 'oidc';

interface ThrottleEvent {
  via: Via;
  subject: string;
  reason: string;
  tenantId: string | null;
  enrollmentKeyId?: string;
  agent?: string;
}
