import { LRUCache } from 'lru-cache';
import type { Sql } from '../db/database';
import { termSet } from '../knowledge/terms';

/** A past ticket and the reply an agent sent to it, as the prompt shows it. */
export interface ReplyExample {
  position: number;
  ticketText: string;
  replyText: string;
}

/** The examples a chat arm's prompt gets, and the set they come from (part of its prompt version). */
export interface PromptExamples {
  version: string;
  replies: ReplyExample[];
}

interface ExampleIndex {
  examples: ReplyExample[];
  /** term -> positions of the examples whose ticket has it */
  postings: Map<string, number[]>;
  idf: Map<string, number>;
  /** sqrt of each example ticket's number of distinct terms */
  norms: number[];
}

/**
 * Finds the example replies whose tickets share the most informative words with this ticket:
 * term overlap weighted by inverse document frequency over the example set (a word every other
 * ticket uses says little), normalised by the example ticket's length so long tickets do not win
 * by size. Ties go to the newer example (lower position). Example sets are immutable, so each is
 * read and indexed once per process.
 */
export class SimilarExamples {
  private readonly sets: LRUCache<string, ExampleIndex, Sql>;

  constructor(maxSets = 64) {
    this.sets = new LRUCache<string, ExampleIndex, Sql>({
      max: maxSets,
      fetchMethod: (key, _stale, { context }) => {
        const [tenantId, version] = key.split('\u0000') as [string, string];
        return loadIndex(context, tenantId, version);
      },
    });
  }

  /** The `k` most similar examples of `version` (fewer when fewer share a word), or null when the set holds none. */
  async find(db: Sql, tenantId: string, version: string, ticketText: string, k: number): Promise<PromptExamples | null> {
    const index = (await this.sets.fetch(`${tenantId}\u0000${version}`, { context: db }))!;
    if (index.examples.length === 0) return null;
    return { version, replies: mostSimilar(index, ticketText, k) };
  }
}

async function loadIndex(db: Sql, tenantId: string, version: string): Promise<ExampleIndex> {
  const { rows } = await db.query<ReplyExample>(
    `SELECT position, ticket_text AS "ticketText", reply_text AS "replyText" FROM reply_examples WHERE tenant_id = $1 AND version = $2 ORDER BY position`,
    [tenantId, version],
  );
  return indexExamples(rows);
}

export function indexExamples(examples: ReplyExample[]): ExampleIndex {
  const postings = new Map<string, number[]>();
  const norms: number[] = [];
  examples.forEach((e, i) => {
    const terms = termSet(e.ticketText);
    norms.push(Math.sqrt(terms.size || 1));
    for (const t of terms) {
      const list = postings.get(t);
      if (list) list.push(i);
      else postings.set(t, [i]);
    }
  });
  const n = examples.length;
  // BM25's idf: always positive, large for rare words.
  const idf = new Map([...postings].map(([t, list]) => [t, Math.log(1 + (n - list.length + 0.5) / (list.length + 0.5))]));
  return { examples, postings, idf, norms };
}

export function mostSimilar(index: ExampleIndex, ticketText: string, k: number): ReplyExample[] {
  if (k <= 0) return [];
  const overlap = new Map<number, number>();
  for (const t of termSet(ticketText)) {
    const weight = index.idf.get(t);
    if (weight === undefined) continue;
    for (const i of index.postings.get(t)!) overlap.set(i, (overlap.get(i) ?? 0) + weight);
  }
  const ranked = [...overlap].map(([i, score]) => ({ i, score: score / index.norms[i]! })).sort((a, b) => b.score - a.score || a.i - b.i);
  // Agents reuse their macros: the same reply twice teaches nothing new and costs the prompt space.
  const picked: { example: ReplyExample; terms: Set<string> }[] = [];
  for (const { i } of ranked) {
    const example = index.examples[i]!;
    const terms = termSet(example.replyText);
    if (picked.some((p) => jaccard(p.terms, terms) >= NEAR_DUPLICATE)) continue;
    picked.push({ example, terms });
    if (picked.length === k) break;
  }
  return picked.map((p) => p.example);
}

const NEAR_DUPLICATE = 0.8;

function jaccard(a: Set<string>, b: Set<string>): number {
  let shared = 0;
  for (const t of a) if (b.has(t)) shared++;
  const union = a.size + b.size - shared;
  return union === 0 ? 1 : shared / union;
}
