import type { Sql } from '../db/database';

/** One item two or more agents judged: each agent's latest label of it. */
export interface JudgedItem {
  item: string;
  agent: string;
  label: string;
}

/**
 * Preferences on the same pair of replies on the same ticket by different agents, each agent's
 * latest verdict in [from, to). The item is the ticket and the pair of reply texts (order-free),
 * so the same two replies shown in two impressions of a ticket, in either order, are one item (an
 * extractive arm's identical reply on two tickets is not: which reply is better depends on the
 * ticket); the label names the winning arm (not the slot, which may differ between those
 * impressions), or `tie` / `both_bad`.
 */
export async function preferenceJudgements(db: Sql, tenantId: string, window: { from: Date; to: Date }): Promise<JudgedItem[]> {
  const { rows } = await db.query<JudgedItem>(
    `WITH prefs AS (
       SELECT a.platform, a.ticket_id, a.agent, a.verdict, a.created_at, a.seq,
              md5(ra.r->>'text') AS ha, md5(rb.r->>'text') AS hb, ra.r->>'armId' AS arm_a, rb.r->>'armId' AS arm_b
         FROM annotations a
         JOIN impressions i ON i.tenant_id = a.tenant_id AND i.id = a.impression_id
        CROSS JOIN LATERAL (SELECT x AS r FROM jsonb_array_elements(i.body->'arms') AS x WHERE x->>'slot' = 'A' LIMIT 1) ra
        CROSS JOIN LATERAL (SELECT x AS r FROM jsonb_array_elements(i.body->'arms') AS x WHERE x->>'slot' = 'B' LIMIT 1) rb
        WHERE a.tenant_id = $1 AND a.type = 'preference' AND a.created_at >= $2 AND a.created_at < $3
     ), latest AS (
       SELECT DISTINCT ON (item, agent) item, agent, label FROM (
         SELECT platform || ':' || ticket_id || ':' || least(ha, hb) || ':' || greatest(ha, hb) AS item, agent,
                CASE verdict WHEN 'A' THEN 'wins:' || arm_a WHEN 'B' THEN 'wins:' || arm_b ELSE verdict END AS label,
                created_at, seq
           FROM prefs
       ) keyed
        ORDER BY item, agent, created_at DESC, seq DESC
     )
     SELECT item, agent, label FROM latest
      WHERE item IN (SELECT item FROM latest GROUP BY item HAVING count(*) >= 2)
      ORDER BY item`,
    [tenantId, window.from.toISOString(), window.to.toISOString()],
  );
  return rows;
}
