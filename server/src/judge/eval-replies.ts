import type { ArmReply, Impression, Platform, TicketContext } from '../../../lib/contract';
import { hashRank } from '../batches/examples/sampling';
import type { Sql } from '../db/database';
import { inEvalSlice } from '../models/eval-slice';
import type { JudgeIdentity } from './judge-config';
import type { JudgedReply } from './judge-prompt';

/** One reply to put to the judge: which impression and arm it is, and what the judge reads. */
export interface ReplyToJudge extends JudgedReply {
  impressionId: string;
  slot: ArmReply['slot'];
  armId: string;
  model: string;
  promptVersion: string;
}

export interface ReplySelection {
  replies: ReplyToJudge[];
  /** Replies on eval-slice tickets this judge has not scored yet, before the sample cut. */
  unscored: number;
  /** Replies on eval-slice tickets this judge scored in earlier passes (not asked again). */
  alreadyScored: number;
}

/**
 * The replies a pass asks about: every arm's reply on impressions of tickets in the frozen eval
 * slice (the tickets turns are judged on and that never train), that this judge model has not
 * scored on this rubric yet. Impressions where an agent preferred A or B come first, since they
 * are what the judge's agreement with agents is measured on; within each group the order is a
 * fixed hash of the impression, so a sample is reproducible and not biased to a week. Both
 * replies of an impression go in together, up to `sample` replies (one judge call each).
 */
export async function selectRepliesToJudge(db: Sql, tenantId: string, judge: JudgeIdentity, sample: number): Promise<ReplySelection> {
  const { rows } = await db.query<{ id: string; platform: Platform; ticketId: string; preferred: boolean; slots: string[]; scored: string[] }>(
    `SELECT i.id, i.platform, i.ticket_id AS "ticketId",
            EXISTS (SELECT 1 FROM annotations a WHERE a.tenant_id = $1 AND a.impression_id = i.id AND a.type = 'preference' AND a.verdict IN ('A', 'B')) AS preferred,
            (SELECT coalesce(array_agg(x->>'slot'), '{}') FROM jsonb_array_elements(i.body->'arms') x) AS slots,
            (SELECT coalesce(array_agg(s.slot), '{}') FROM judge_scores s
              WHERE s.tenant_id = $1 AND s.impression_id = i.id AND s.judge_model = $2 AND s.rubric_version = $3 AND s.score IS NOT NULL) AS scored
       FROM impressions i WHERE i.tenant_id = $1`,
    [tenantId, judge.model, judge.rubricVersion],
  );
  let unscored = 0;
  let alreadyScored = 0;
  const candidates: { id: string; preferred: boolean; rank: number; slots: string[] }[] = [];
  for (const r of rows) {
    if (!inEvalSlice({ platform: r.platform, ticketId: r.ticketId })) continue;
    const open = r.slots.filter((s) => !r.scored.includes(s));
    alreadyScored += r.slots.length - open.length;
    if (open.length === 0) continue;
    unscored += open.length;
    candidates.push({ id: r.id, preferred: r.preferred, rank: hashRank('judge', r.id), slots: open });
  }
  candidates.sort((a, b) => Number(b.preferred) - Number(a.preferred) || a.rank - b.rank);
  const chosen: typeof candidates = [];
  let count = 0;
  for (const c of candidates) {
    if (count >= sample) break;
    // The last impression may not fit whole: --sample bounds the calls, so it gets what is left.
    const slots = c.slots.slice(0, sample - count);
    chosen.push({ ...c, slots });
    count += slots.length;
  }
  if (chosen.length === 0) return { replies: [], unscored, alreadyScored };

  const bodies = await db.query<{ id: string; body: Impression; context: TicketContext }>(
    `SELECT id, body, context FROM impressions WHERE tenant_id = $1 AND id = ANY($2::uuid[])`,
    [tenantId, chosen.map((c) => c.id)],
  );
  const byId = new Map(bodies.rows.map((r) => [r.id, r]));
  const replies: ReplyToJudge[] = [];
  for (const c of chosen) {
    const row = byId.get(c.id);
    if (!row) continue;
    const articles = row.body.articles.map((a) => ({ title: a.title, snippet: a.snippet }));
    for (const arm of row.body.arms) {
      if (!c.slots.includes(arm.slot)) continue;
      replies.push({ impressionId: c.id, slot: arm.slot, armId: arm.armId, model: arm.model, promptVersion: arm.promptVersion, context: row.context, articles, reply: arm.text });
    }
  }
  return { replies, unscored, alreadyScored };
}
