import { z } from 'zod';
import { describeIssues } from '../../../lib/contract';
import { RUBRIC_VERSIONS, type RubricVersion } from './rubric';

/**
 * The judge model that scores helpfulness: an OpenAI-compatible chat endpoint, configured like an
 * `openai` arm (API root, model, the *name* of the variable holding its key) plus the rubric
 * version it scores on. Off unless AITL_JUDGE_URL is set: without a judge, helpfulness says so.
 */
export interface JudgeConfig {
  /** API root serving POST /chat/completions: https://api.openai.com/v1, http://localhost:11434/v1, ... */
  baseUrl: string;
  model: string;
  /** The variable the key was read from (recorded, never the key). */
  apiKeyEnv: string | undefined;
  apiKey: string | undefined;
  rubricVersion: RubricVersion;
  /** One judge call, each attempt. */
  timeoutMs: number;
  /** Judge calls at once. */
  concurrency: number;
  /** Replies one pass asks about at most (the default of --sample): each is one call. */
  sample: number;
  /** `aitl serve` runs a pass per tenant this often (ms); null: only `aitl judge`. */
  everyMs: number | null;
}

/** What stored scores and metrics name a judge by. */
export type JudgeIdentity = Pick<JudgeConfig, 'model' | 'rubricVersion'>;

export class JudgeConfigError extends Error {}

const EnvName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be the name of an environment variable');
const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const Duration = z
  .string()
  .regex(/^[1-9][0-9]*[mhd]$/, 'must be a duration like 30m, 12h or 1d')
  .transform((s) => Number(s.slice(0, -1)) * UNIT_MS[s.at(-1) as keyof typeof UNIT_MS])
  .pipe(z.number().min(5 * 60_000, 'must be at least 5m'));

const JudgeEnv = z.object({
  AITL_JUDGE_URL: z.url({ protocol: /^https?$/ }).optional(),
  AITL_JUDGE_MODEL: z.string().min(1).max(128).optional(),
  AITL_JUDGE_API_KEY_ENV: EnvName.optional(),
  AITL_JUDGE_RUBRIC: z.enum(RUBRIC_VERSIONS).default('v1'),
  AITL_JUDGE_TIMEOUT_MS: z.coerce.number().int().min(100).max(300_000).default(30_000),
  AITL_JUDGE_CONCURRENCY: z.coerce.number().int().min(1).max(32).default(4),
  AITL_JUDGE_SAMPLE: z.coerce.number().int().min(1).max(100_000).default(200),
  AITL_JUDGE_EVERY: Duration.optional(),
});

const RELATED = ['AITL_JUDGE_MODEL', 'AITL_JUDGE_API_KEY_ENV', 'AITL_JUDGE_EVERY'] as const;

export function loadJudgeConfig(env: NodeJS.ProcessEnv): JudgeConfig | null {
  const parsed = JudgeEnv.safeParse(env);
  if (!parsed.success) throw new JudgeConfigError(`invalid configuration: ${describeIssues(parsed.error)}`);
  const e = parsed.data;
  if (!e.AITL_JUDGE_URL) {
    const stray = RELATED.filter((k) => e[k] !== undefined);
    if (stray.length > 0) throw new JudgeConfigError(`invalid configuration: ${stray.join(', ')} set without AITL_JUDGE_URL; set the judge's API root to turn the judge on, or unset them`);
    return null;
  }
  if (!e.AITL_JUDGE_MODEL) throw new JudgeConfigError('invalid configuration: the judge (AITL_JUDGE_URL) also needs AITL_JUDGE_MODEL, the model to ask');
  const apiKey = e.AITL_JUDGE_API_KEY_ENV ? env[e.AITL_JUDGE_API_KEY_ENV] : undefined;
  if (e.AITL_JUDGE_API_KEY_ENV && !apiKey) {
    throw new JudgeConfigError(`the judge reads its API key from ${e.AITL_JUDGE_API_KEY_ENV} (AITL_JUDGE_API_KEY_ENV), which is not set; set it, or unset AITL_JUDGE_API_KEY_ENV for a server without keys`);
  }
  return {
    baseUrl: e.AITL_JUDGE_URL.replace(/\/+$/, ''),
    model: e.AITL_JUDGE_MODEL,
    apiKeyEnv: e.AITL_JUDGE_API_KEY_ENV,
    apiKey,
    rubricVersion: e.AITL_JUDGE_RUBRIC,
    timeoutMs: e.AITL_JUDGE_TIMEOUT_MS,
    concurrency: e.AITL_JUDGE_CONCURRENCY,
    sample: e.AITL_JUDGE_SAMPLE,
    everyMs: e.AITL_JUDGE_EVERY ?? null,
  };
}
