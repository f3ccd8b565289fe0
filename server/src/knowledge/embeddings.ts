import { postJson } from '../suggestions/providers/post-json';

export interface EmbeddingsConfig {
  /** OpenAI-compatible API root, e.g. https://api.openai.com/v1 or http://localhost:11434/v1. */
  baseUrl: string;
  model: string;
  apiKey?: string;
  timeoutMs: number;
}

/** Texts longer than this are cut before embedding: enough for a title and the opening of an article. */
const MAX_CHARS = 8_000;

/**
 * Dense vectors from an OpenAI-compatible `POST /embeddings` endpoint, unit-normalised so a dot
 * product is the cosine similarity. Never a downloaded model: the endpoint is the operator's.
 */
export async function embed(config: EmbeddingsConfig, texts: string[], signal?: AbortSignal): Promise<Float32Array[]> {
  if (texts.length === 0) return [];
  const url = `${config.baseUrl.replace(/\/+$/, '')}/embeddings`;
  const timeout = AbortSignal.timeout(config.timeoutMs);
  const answer = (await postJson(url, { model: config.model, input: texts.map((t) => t.slice(0, MAX_CHARS)) }, config.apiKey, signal ? AbortSignal.any([signal, timeout]) : timeout)) as {
    data?: { index?: number; embedding?: unknown }[];
  };
  const data = answer?.data;
  if (!Array.isArray(data) || data.length !== texts.length) {
    throw new Error(`${url} answered ${Array.isArray(data) ? data.length : 'no'} embeddings for ${texts.length} texts`);
  }
  const vectors: Float32Array[] = new Array(texts.length);
  data.forEach((item, i) => {
    const index = typeof item.index === 'number' ? item.index : i;
    if (!Array.isArray(item.embedding) || item.embedding.length === 0 || !item.embedding.every((x) => typeof x === 'number' && Number.isFinite(x))) {
      throw new Error(`${url} answered an embedding that is not a list of numbers (item ${i})`);
    }
    vectors[index] = normalise(Float32Array.from(item.embedding as number[]));
  });
  if (vectors.some((v) => !v) || new Set(vectors.map((v) => v.length)).size !== 1) {
    throw new Error(`${url} answered embeddings with missing indexes or different dimensions`);
  }
  return vectors;
}

export function normalise(v: Float32Array): Float32Array {
  let norm = 0;
  for (const x of v) norm += x * x;
  norm = Math.sqrt(norm) || 1;
  for (let i = 0; i < v.length; i++) v[i] /= norm;
  return v;
}
