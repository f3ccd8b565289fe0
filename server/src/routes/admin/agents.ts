import type { FastifyInstance } from 'fastify';
import { AgentActionRequest, type AgentActionResult, type AgentList } from '../../../../lib/contract';
import { deactivateAgent, listAgents, reactivateAgent } from '../../auth/agents';
import type { Database } from '../../db/database';
import { accessFailure, adminActor, parseInput } from './admin-request';

/**
 * `/v1/admin/agents`: the tenant's agents with their devices and last sync; deactivation (all
 * their tokens revoked at once, enrolment refused) and re-activation (they may enrol again).
 */
export default async function agentRoutes(app: FastifyInstance, { db }: { db: Database }) {
  app.get('/v1/admin/agents', async (request): Promise<AgentList> => {
    const agents = await listAgents(db, request.auth!.tenantId);
    return { agents: agents.map(({ tenantId: _tenant, ...agent }) => agent) };
  });

  for (const [action, change] of [['deactivate', deactivateAgent], ['reactivate', reactivateAgent]] as const) {
    app.post(`/v1/admin/agents/${action}`, async (request): Promise<AgentActionResult> => {
      const { agent } = parseInput(AgentActionRequest, request.body, `${action} request`);
      try {
        return await change(db, { ...adminActor(request), agent });
      } catch (error) {
        throw accessFailure(error);
      }
    });
  }
}
