import type { FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { describeIssues, issuePaths } from '../../../../lib/contract';
import { AgentDeactivatedError, UnknownAgentError } from '../../auth/agents';
import { requestOrigin } from '../../auth/audit';
import { AccessError } from '../../auth/errors';
import { HttpError } from '../../plugins/errors';

/** Who did it and from where, for the audit trail. */
export function adminActor(request: FastifyRequest) {
  const auth = request.auth!;
  return { tenantId: auth.tenantId, actor: `admin token ${auth.tokenId} (${auth.name})`, origin: requestOrigin(request) };
}

/** The body or query as the contract reads it, or a 400 naming the fields. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(value ?? {});
  if (!parsed.success) throw new HttpError(400, 'bad_request', `invalid ${what}: ${describeIssues(parsed.error)}`, issuePaths(parsed.error));
  return parsed.data;
}

/** Access-management refusals in HTTP terms. */
export function accessFailure(error: unknown): unknown {
  if (error instanceof UnknownAgentError) return new HttpError(404, 'not_found', error.message);
  if (error instanceof AgentDeactivatedError) return new HttpError(409, 'conflict', error.message);
  if (error instanceof AccessError) return new HttpError(400, 'bad_request', error.message);
  return error;
}

export const notFound = (what: string, id: string) => new HttpError(404, 'not_found', `no ${what} ${id} in this tenant`);
