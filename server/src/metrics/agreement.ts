import { createHash } from 'node:crypto';
import type { AgentVolume, AgreementResponse } from '../../../lib/contract';
import type { Sql } from '../db/database';
import { cohensKappa } from './cohens-kappa';
import { preferenceJudgements, type JudgedItem } from './preference-agreement';

/** A stable pseudonym: who annotates is visible, not their name (the name is one `aitl` call away for an admin). */
export const agentPseudonym = (tenantId: string, agent: string) => `agent-${createHash('sha256').update(`${tenantId}\0${agent}`).digest('hex').slice(0, 8)}`;

/**
 * Inter-agent agreement and annotation volume per agent, for annotations made in [from, to).
 * Agreement is on relevance (the same article on the same ticket labelled by two agents) and on
 * preferences (the same pair of replies judged by two agents), each agent's latest label counting;
 * with more than two agents on an item, the first two pseudonyms.
 */
export async function annotationAgreement(db: Sql, tenantId: string, window: { from: Date; to: Date }): Promise<AgreementResponse> {
  const params = [tenantId, window.from.toISOString(), window.to.toISOString()];
  const { rows: relevance } = await db.query<{ item: string; agent: string; label: string }>(
    `WITH latest AS (
       SELECT DISTINCT ON (platform, ticket_id, article_id, agent)
              platform || ':' || ticket_id || ':' || article_id::text AS item, agent, label
         FROM annotations
        WHERE tenant_id = $1 AND type = 'relevance' AND created_at >= $2 AND created_at < $3
        ORDER BY platform, ticket_id, article_id, agent, created_at DESC, seq DESC
     )
     SELECT item, agent, label FROM latest
      WHERE item IN (SELECT item FROM latest GROUP BY item HAVING count(*) >= 2)
      ORDER BY item`,
    params,
  );
  const { rows: counts } = await db.query<{ agent: string; type: string; n: number }>(
    `SELECT agent, type, count(*)::int AS n FROM annotations
      WHERE tenant_id = $1 AND created_at >= $2 AND created_at < $3
      GROUP BY agent, type`,
    params,
  );
  const volumes = new Map<string, AgentVolume>();
  for (const row of counts) {
    const agent = agentPseudonym(tenantId, row.agent);
    const v = volumes.get(agent) ?? { agent, preference: 0, adoption: 0, relevance: 0, missingKnowledge: 0 };
    if (row.type === 'missing_knowledge') v.missingKnowledge += row.n;
    else if (row.type === 'preference' || row.type === 'adoption' || row.type === 'relevance') v[row.type] += row.n;
    volumes.set(agent, v);
  }
  const total = (v: AgentVolume) => v.preference + v.adoption + v.relevance + v.missingKnowledge;
  return {
    from: window.from.toISOString(),
    to: window.to.toISOString(),
    relevance: cohensKappa(pairsOf(tenantId, relevance)),
    preference: cohensKappa(pairsOf(tenantId, await preferenceJudgements(db, tenantId, window))),
    agents: [...volumes.values()].sort((a, b) => total(b) - total(a) || a.agent.localeCompare(b.agent)),
  };
}

/** Per item, the labels of its first two agents by pseudonym (rows come ordered by item). */
function pairsOf(tenantId: string, labels: readonly JudgedItem[]): [string, string][] {
  const byItem = new Map<string, { agent: string; label: string }[]>();
  for (const row of labels) {
    const list = byItem.get(row.item) ?? [];
    list.push({ agent: agentPseudonym(tenantId, row.agent), label: row.label });
    byItem.set(row.item, list);
  }
  const pairs: [string, string][] = [];
  for (const judged of byItem.values()) {
    const [a, b] = judged.sort((x, y) => x.agent.localeCompare(y.agent));
    pairs.push([a!.label, b!.label]);
  }
  return pairs;
}
