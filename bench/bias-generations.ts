/**
 * The generation loop of the bias-amplification bench, against a real app: each generation the
 * reply model answers new tickets (stored as impressions), simulated agents adopt, edit or
 * rewrite its replies and their extension's annotations arrive through `POST /v1/sync`; an
 * operator builds a batch with `POST /v1/batches`, and the model is refit on that batch's
 * `sft.jsonl`. What the manifest's drift report says is read back from the same batch.
 */
import type { FastifyInstance } from 'fastify';
import { v4 as uuidv4, v7 as uuidv7 } from 'uuid';
import { DEFAULT_ADOPTION_THRESHOLDS, SYNTHETIC_PROVENANCE, Impression, TicketContext, type Annotation, type BatchBuildRequest, type BatchManifest, type BatchSummary } from '../lib/contract';
import { createToken } from '../server/src/auth/tokens';
import type { Database } from '../server/src/db/database';
import { storeImpression } from '../server/src/suggestions/impressions';
import { respond, team } from './bias-agents';
import { ReplyModel, refitStyles, styleShares } from './bias-reply-model';
import { seededRandom, type Style, type TicketFacts } from './bias-styles';

type BatchDetail = { batch: BatchSummary; manifest: BatchManifest | null };

export interface Policy {
  name: string;
  build: BatchBuildRequest;
}

/** The policies the bench compares: the naive flywheel, accumulation alone, and the defaults. */
export const POLICIES: Policy[] = [
  { name: 'latest-only', build: { policy: 'latest-only', syntheticCap: 0.95, anchorShare: 0 } },
  { name: 'accumulate', build: { policy: 'accumulate', syntheticCap: 0.95, anchorShare: 0 } },
  { name: 'default', build: {} },
];

export interface SimulationOptions {
  generations: number;
  ticketsPerGeneration: number;
  seed: number;
  favoured: Style;
  /** The favoured style's share in generation 0's model (humans write each style a third of the time). */
  initialShare: number;
  /**
   * How the model is refit on each batch: 1 (the default) weights every target by its likelihood under
   * the current model, the paper's WMLE; 0 is plain maximum likelihood, closer to a real SFT trainer.
   */
  priorWeight?: number;
}

export interface GenerationRow {
  generation: number;
  batch: number;
  /** Favoured style's share among the replies the model served this generation. */
  skew: number;
  /** Favoured style's share among the batch's SFT targets. */
  sftSkew: number;
  /** Favoured style's share among its human-written SFT targets (anchors included): the agents' own mix. */
  humanSftSkew: number;
  /** Favoured style's share in the model refit on this batch (what the next generation serves). */
  modelSkew: number;
  distinct2: number;
  syntheticShare: number;
  sftRows: number;
  meanReplyChars: number;
  /** The manifest's drift warnings (not its standing note about the latest-only policy). */
  warnings: string[];
}

export interface PolicyResult {
  alarmGeneration: number | null;
  finalSkew: number;
  rows: GenerationRow[];
}

const NAMES = ['Anna', 'Ben', 'Carla', 'Dev', 'Elif', 'Femi', 'Grace', 'Hugo', 'Ivy', 'Jon', 'Kemal', 'Lucia', 'Marek', 'Nadia', 'Oscar', 'Pia'];
const PRODUCTS = ['desk lamp', 'rain jacket', 'coffee grinder', 'yoga mat', 'phone case', 'backpack', 'kettle', 'monitor stand', 'blender', 'headphones'];
const round = (x: number) => Math.round(x * 1e4) / 1e4;

/** Runs `policy` for `opts.generations` generations in a tenant of its own; the same seed gives the same run. */
export async function runPolicy(app: FastifyInstance, db: Database, policy: Policy, opts: SimulationOptions, onGeneration?: (row: GenerationRow) => void): Promise<PolicyResult> {
  const tenantId = `bias-${policy.name}-${opts.seed}`;
  const agentToken = await createToken(db, { tenantId, role: 'agent', name: 'bias-agents' });
  const operator = await createToken(db, { tenantId, role: 'operator', name: 'bias-operator' });
  const auth = { tokenId: agentToken.id, tenantId, role: 'agent' as const, name: 'bias-agents' };
  const r = seededRandom(opts.seed);
  const bytes = () => Uint8Array.from({ length: 16 }, () => Math.floor(r() * 256));
  const clientId = uuidv4({ random: bytes() });
  const agents = team();
  let clock = Date.parse('2026-06-01T08:00:00Z');
  const tick = () => (clock += 45_000);
  let model = ReplyModel.leaning(opts.favoured, opts.initialShare);
  const rows: GenerationRow[] = [];

  for (let g = 1; g <= opts.generations; g++) {
    const served: string[] = [];
    const annotations: Annotation[] = [];
    for (let i = 0; i < opts.ticketsPerGeneration; i++) {
      const ticketId = `G${g}-${i + 1}`;
      const facts: TicketFacts = { name: NAMES[Math.floor(r() * NAMES.length)]!, order: `A-${10_000 + Math.floor(r() * 90_000)}`, product: PRODUCTS[Math.floor(r() * PRODUCTS.length)]! };
      const suggestion = model.reply(facts, r);
      served.push(suggestion.text);
      const createdAt = new Date(tick()).toISOString();
      const customer = `Hello, my ${facts.product} from order ${facts.order} has a problem. Can you sort it out? ${facts.name}`;
      const context = TicketContext.parse({ platform: 'zendesk', ticketId, subject: `Order ${facts.order}`, messages: [{ role: 'customer', text: customer, at: createdAt }] });
      const impression = Impression.parse({
        id: uuidv7({ msecs: clock, random: bytes() }),
        createdAt,
        ticket: { platform: 'zendesk', ticketId },
        pairwise: false,
        arms: [{ slot: 'A', armId: 'reply-model', provider: 'openai', model: `reply-model-g${g}`, promptVersion: 'support-reply-1', text: suggestion.text, citedArticleIds: [] }],
        displayOrder: ['A'],
        articles: [],
        versions: { retriever: 'bm25-1', reranker: 'rerank-1', kb: 'kb-1' },
        degraded: [],
      });
      await storeImpression(db, auth, { impression, context, query: customer, candidates: [], generation: [] });
      const agent = agents[Math.floor(r() * agents.length)]!;
      const act = respond(agent, facts, suggestion, r);
      const used = act.outcome !== 'not_used';
      annotations.push({
        id: uuidv7({ msecs: tick(), random: bytes() }),
        schemaVersion: 1,
        createdAt: new Date(clock).toISOString(),
        clientId,
        ticket: impression.ticket,
        impressionId: impression.id,
        type: 'adoption',
        payload: { outcome: act.outcome, slot: used ? 'A' : null, similarity: act.similarity, thresholds: DEFAULT_ADOPTION_THRESHOLDS, sentText: act.sentText, channel: 'public' },
      });
    }
    for (let k = 0; k < annotations.length; k += 500) {
      const res = await app.inject({ method: 'POST', url: '/v1/sync', headers: { authorization: `Bearer ${agentToken.token}` }, payload: { clientId, annotations: annotations.slice(k, k + 500) } });
      if (res.statusCode !== 200) throw new Error(`POST /v1/sync answered ${res.statusCode}: ${res.body}`);
      const bad = (res.json() as { results: { status: string; error?: unknown }[] }).results.find((x) => x.status !== 'stored');
      if (bad) throw new Error(`an annotation was ${bad.status}: ${JSON.stringify(bad.error)}`);
    }

    const headers = { authorization: `Bearer ${operator.token}` };
    const started = await app.inject({ method: 'POST', url: '/v1/batches', headers, payload: { ...policy.build, seed: `bias-${opts.seed}` } });
    if (started.statusCode !== 202) throw new Error(`POST /v1/batches answered ${started.statusCode}: ${started.body}`);
    const number = (started.json() as BatchDetail).batch.number;
    // The build runs in this process, so the server's load shedding may answer 503 while it does (or while
    // the machine is busy): ask again.
    const get = async (url: string) => {
      for (;;) {
        const res = await app.inject({ method: 'GET', url, headers });
        if (res.statusCode !== 503) return res;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    };
    let detail: BatchDetail;
    for (;;) {
      const res = await get(`/v1/batches/${number}`);
      if (res.statusCode !== 200) throw new Error(`GET /v1/batches/${number} answered ${res.statusCode}: ${res.body}`);
      detail = res.json() as BatchDetail;
      if (detail.batch.status === 'complete') break;
      if (detail.batch.status !== 'building') throw new Error(`batch ${number} ended ${detail.batch.status}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const manifest = detail.manifest!;
    const file = await get(`/v1/batches/${number}/files/sft.jsonl`);
    if (file.statusCode !== 200) throw new Error(`GET /v1/batches/${number}/files/sft.jsonl answered ${file.statusCode}: ${file.body}`);
    const sft = file.body;
    const targets = sft
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => (JSON.parse(l) as { messages: { content: string }[] }).messages.at(-1)!.content);
    const sources = await get(`/v1/batches/${number}/files/sources.jsonl`);
    if (sources.statusCode !== 200) throw new Error(`GET /v1/batches/${number}/files/sources.jsonl answered ${sources.statusCode}: ${sources.body}`);
    const synthetic = new Set<number>();
    for (const l of sources.body.split('\n')) {
      if (l === '') continue;
      const src = JSON.parse(l) as { file: string; line: number; provenance: string | null };
      if (src.file === 'sft.jsonl' && (SYNTHETIC_PROVENANCE as readonly (string | null)[]).includes(src.provenance)) synthetic.add(src.line);
    }
    const humanTargets = targets.filter((_, i) => !synthetic.has(i));
    model = refitStyles(model, targets, opts.priorWeight ?? 1);
    const row: GenerationRow = {
      generation: g,
      batch: number,
      skew: round(styleShares(served)[opts.favoured]),
      sftSkew: round(styleShares(targets)[opts.favoured]),
      humanSftSkew: round(styleShares(humanTargets)[opts.favoured]),
      modelSkew: round(model.shares[opts.favoured]),
      distinct2: manifest.drift.current.distinct2,
      syntheticShare: manifest.drift.current.syntheticShare,
      sftRows: manifest.drift.current.sftRows,
      meanReplyChars: Math.round(manifest.drift.current.meanReplyChars),
      warnings: manifest.drift.warnings,
    };
    rows.push(row);
    onGeneration?.(row);
  }
  const alarm = rows.find((x) => x.warnings.length > 0);
  return { alarmGeneration: alarm?.generation ?? null, finalSkew: rows.at(-1)!.modelSkew, rows };
}
