import { createHash } from 'node:crypto';
import type { AdoptionOutcome, Platform, TicketContext } from '../../../lib/contract';
import type { Database, Sql } from '../db/database';
import { queryText, ticketQuery } from '../knowledge/ticket-query';
import { REDACTION_VERSION, RowRedactor } from '../redaction/pii';
import { inEvalSlice } from './eval-slice';
import { insertModelVersion } from './store';

/**
 * An example set: replies agents approved by sending them (as is, or after edits: the sent text
 * is the agent's), each with the ticket it answered, PII-redacted, never from the eval slice.
 * Chat arms put the most similar into their prompt. Stored as an immutable model version of kind
 * `examples` (`ex<N>`) whose rows are in reply_examples.
 */
export const MIN_EXAMPLES = 20;
/** The newest this many: enough to cover a help desk's recurring questions, small enough to hold in memory per tenant. */
export const MAX_EXAMPLES = 2_000;
const APPROVED: readonly AdoptionOutcome[] = ['as_is', 'light_edit', 'heavy_edit'];
const TICKET_CHARS = 1_500;
const REPLY_CHARS = 2_000;
/** The customer's name is not a pattern the redaction finds, but it is the first thing a reply says. */
export const CUSTOMER_NAME = '[CUSTOMER_NAME]';

export interface ExampleSetResult {
  version: string;
  count: number;
  /** False when the newest set already holds exactly these replies (nothing was written). */
  created: boolean;
}

interface Approved {
  annotationId: string;
  outcome: AdoptionOutcome;
  sentText: string;
  platform: Platform;
  ticketId: string;
  query: string | null;
  context: TicketContext | null;
}

export async function buildExampleSet(db: Database, tenantId: string, opts: { watermark: number; turn: number | null }): Promise<ExampleSetResult | null> {
  const { approved, evalSliceHeldOut } = await approvedReplies(db, tenantId, opts.watermark);
  if (approved.length < MIN_EXAMPLES) return null;
  const contentHash = createHash('sha256').update([REDACTION_VERSION, ...approved.map((a) => a.annotationId)].join('\n')).digest('hex');
  const latest = await latestSet(db, tenantId);
  if (latest?.contentHash === contentHash) return { version: latest.version, count: approved.length, created: false };

  const counts: Record<string, number> = {};
  const rows: { annotationId: string; ticketText: string; replyText: string }[] = [];
  for (const a of approved) {
    const redactor = new RowRedactor(counts);
    const names = customerNames(a.context);
    const ticket = clip(a.query?.trim() || (a.context ? queryText(ticketQuery(a.context)) : ''), TICKET_CHARS);
    // Patterns first: a name inside an e-mail address must not hide the address from them.
    const ticketText = withoutNames(await redactor.redact(ticket), names, counts);
    const replyText = withoutNames(await redactor.redact(clip(a.sentText.trim(), REPLY_CHARS)), names, counts);
    if (ticketText && replyText) rows.push({ annotationId: a.annotationId, ticketText, replyText });
  }
  if (rows.length < MIN_EXAMPLES) return null;
  const version = `ex${(latest?.number ?? 0) + 1}`;
  const outcomes = Object.fromEntries(APPROVED.map((o) => [o, approved.filter((a) => a.outcome === o).length]));
  await db.transaction(async (tx) => {
    await insertModelVersion(tx, tenantId, {
      version,
      kind: 'examples',
      turn: opts.turn,
      artefact: { count: rows.length, contentHash, redaction: REDACTION_VERSION },
      trainedOn: { watermark: opts.watermark, outcomes, evalSliceHeldOut, redacted: counts },
    });
    await tx.query(
      `INSERT INTO reply_examples (tenant_id, version, position, annotation_id, ticket_text, reply_text)
       SELECT $1, $2, p, id, t, r FROM unnest($3::int[], $4::uuid[], $5::text[], $6::text[]) AS x(p, id, t, r)`,
      [tenantId, version, rows.map((_, i) => i), rows.map((r) => r.annotationId), rows.map((r) => r.ticketText), rows.map((r) => r.replyText)],
    );
  });
  return { version, count: rows.length, created: true };
}

/**
 * The first send per impression (the reply the customer got), newest first, when it was an
 * approved outcome with a sent text, outside the eval slice; one per identical ticket and reply.
 */
async function approvedReplies(db: Sql, tenantId: string, watermark: number): Promise<{ approved: Approved[]; evalSliceHeldOut: number }> {
  const { rows } = await db.query<Approved>(
    `WITH first_send AS (
       SELECT DISTINCT ON (a.impression_id) a.impression_id, a.id, a.seq, a.outcome, a.body #>> '{payload,sentText}' AS sent_text
         FROM annotations a
        WHERE a.tenant_id = $1 AND a.type = 'adoption' AND a.seq <= $2
        ORDER BY a.impression_id, a.created_at, a.seq)
     SELECT f.id AS "annotationId", f.outcome, f.sent_text AS "sentText", i.platform, i.ticket_id AS "ticketId", i.query, i.context
       FROM first_send f JOIN impressions i ON i.tenant_id = $1 AND i.id = f.impression_id
      WHERE f.outcome = ANY($3::text[]) AND coalesce(btrim(f.sent_text), '') <> ''
      ORDER BY f.seq DESC`,
    [tenantId, watermark, APPROVED],
  );
  const approved: Approved[] = [];
  const seen = new Set<string>();
  let evalSliceHeldOut = 0;
  for (const r of rows) {
    if (inEvalSlice({ platform: r.platform, ticketId: r.ticketId })) {
      evalSliceHeldOut++;
      continue;
    }
    const key = `${r.query ?? ''}\u0000${r.sentText}`;
    if (seen.has(key)) continue;
    seen.add(key);
    approved.push(r);
    if (approved.length === MAX_EXAMPLES) break;
  }
  return { approved, evalSliceHeldOut };
}

async function latestSet(db: Sql, tenantId: string): Promise<{ version: string; number: number; contentHash: string | null } | null> {
  const { rows } = await db.query<{ version: string; number: number; contentHash: string | null }>(
    `SELECT version, substring(version FROM '^ex([0-9]+)$')::int AS number, artefact->>'contentHash' AS "contentHash"
       FROM model_versions WHERE tenant_id = $1 AND kind = 'examples' AND version ~ '^ex[0-9]+$'
      ORDER BY 2 DESC LIMIT 1`,
    [tenantId],
  );
  return rows[0] ?? null;
}

const clip = (s: string, max: number) => (s.length > max ? `${s.slice(0, max)}…` : s);

/** The requester's full name and each part of it of three letters or more. */
function customerNames(context: TicketContext | null): string[] {
  const name = context?.requester?.name?.trim();
  if (!name) return [];
  const parts = name.split(/\s+/).filter((p) => /^\p{L}[\p{L}'’-]{2,}$/u.test(p));
  return [name, ...parts].sort((a, b) => b.length - a.length);
}

function withoutNames(text: string, names: readonly string[], counts: Record<string, number>): string {
  let out = text;
  for (const name of names) {
    const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    out = out.replace(new RegExp(`(?<![\\p{L}\\p{N}])${escaped}(?![\\p{L}\\p{N}])`, 'giu'), () => {
      counts.CUSTOMER_NAME = (counts.CUSTOMER_NAME ?? 0) + 1;
      return CUSTOMER_NAME;
    });
  }
  return out;
}
