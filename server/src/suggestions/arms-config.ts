import fs from 'node:fs';
import { z } from 'zod';
import { describeIssues } from '../../../lib/contract';
import { PROMPT_VERSIONS } from './prompts';

/**
 * The reply arms, configured in one JSON document (AITL_ARMS_FILE, or inline in AITL_ARMS).
 * Secrets are never in the document: arms name the environment variable that holds their key.
 * The default is two extractive arms, so `npm start` shows a real pairwise comparison offline.
 */
const ArmId = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'must be lowercase letters, digits, ., - and _ (up to 64)');
const EnvName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be the name of an environment variable');
const Timeout = z.int().min(100).max(120_000);
const HttpUrl = z.url({ protocol: /^https?$/ });

const common = {
  id: ArmId,
  /** Relative chance of being picked when more arms are configured than a suggestion shows. */
  weight: z.number().positive().max(1000).default(1),
  /** Cut the arm off after this long (default: the document's timeoutMs). */
  timeoutMs: Timeout.optional(),
};

export const ExtractiveArmConfig = z.strictObject({
  ...common,
  provider: z.literal('extractive'),
  /** `lead`: the most relevant sentences of the best article; `steps`: its numbered procedure. */
  strategy: z.enum(['lead', 'steps']),
  model: z.string().min(1).max(128).default('extractive-1'),
  promptVersion: z.string().min(1).max(64).optional(),
});

export const OpenAIArmConfig = z.strictObject({
  ...common,
  provider: z.literal('openai'),
  /** An OpenAI-compatible API root: https://api.openai.com/v1, http://localhost:11434/v1 (Ollama), a vLLM or LM Studio server. */
  baseUrl: HttpUrl,
  model: z.string().min(1).max(128),
  /** Environment variable holding the API key; omit for servers without keys (Ollama, vLLM). */
  apiKeyEnv: EnvName.optional(),
  promptVersion: z.enum(PROMPT_VERSIONS),
  temperature: z.number().min(0).max(2).default(0.2),
  maxTokens: z.int().min(16).max(16_384).default(700),
  /** How many agent-approved replies to similar past tickets go into the prompt (0: none); they come from the served example set. */
  examples: z.int().min(0).max(5).default(0),
});

export const ExternalArmConfig = z.strictObject({
  ...common,
  provider: z.literal('external'),
  /** Receives an ExternalArmRequest (POST, JSON) and answers an ExternalArmResponse. */
  url: HttpUrl,
  model: z.string().min(1).max(128),
  promptVersion: z.string().min(1).max(64),
  /** Environment variable holding a bearer token for the service, if it needs one. */
  tokenEnv: EnvName.optional(),
});

export const ArmConfig = z.discriminatedUnion('provider', [ExtractiveArmConfig, OpenAIArmConfig, ExternalArmConfig]);

export const ArmsDocument = z
  .strictObject({
    arms: z.array(ArmConfig).min(1).max(8),
    /** Default per-arm timeout in milliseconds. */
    timeoutMs: Timeout.optional(),
  })
  .refine((d) => new Set(d.arms.map((a) => a.id)).size === d.arms.length, { message: 'arm ids must be unique', path: ['arms'] });

/** An arm ready to run: defaults applied and its secret read from the environment. */
export type Arm =
  | (z.infer<typeof ExtractiveArmConfig> & { promptVersion: string; timeoutMs: number })
  | (z.infer<typeof OpenAIArmConfig> & { timeoutMs: number; apiKey?: string })
  | (z.infer<typeof ExternalArmConfig> & { timeoutMs: number; token?: string });

export const DEFAULT_ARM_TIMEOUT_MS = 10_000;

export const DEFAULT_ARMS: z.input<typeof ArmsDocument> = {
  arms: [
    { id: 'extractive-lead', provider: 'extractive', strategy: 'lead', promptVersion: 'extractive-lead-1' },
    { id: 'extractive-steps', provider: 'extractive', strategy: 'steps', promptVersion: 'extractive-steps-1' },
  ],
};

export class ArmsConfigError extends Error {}

/**
 * Validates an arms document and resolves it against the environment. `where` names the
 * document in messages (a file path, or AITL_ARMS).
 */
export function resolveArms(document: unknown, env: NodeJS.ProcessEnv, where: string, defaultTimeoutMs = DEFAULT_ARM_TIMEOUT_MS): Arm[] {
  const parsed = ArmsDocument.safeParse(document);
  if (!parsed.success) throw new ArmsConfigError(`${where} is not a valid arms configuration: ${describeIssues(parsed.error)}`);
  const fallbackTimeout = parsed.data.timeoutMs ?? defaultTimeoutMs;
  return parsed.data.arms.map((arm): Arm => {
    const timeoutMs = arm.timeoutMs ?? fallbackTimeout;
    switch (arm.provider) {
      case 'extractive':
        return { ...arm, timeoutMs, promptVersion: arm.promptVersion ?? `extractive-${arm.strategy}-1` };
      case 'openai': {
        const apiKey = arm.apiKeyEnv ? env[arm.apiKeyEnv] : undefined;
        if (arm.apiKeyEnv && !apiKey) {
          throw new ArmsConfigError(`arm "${arm.id}" reads its API key from ${arm.apiKeyEnv}, which is not set; set it or remove apiKeyEnv (${where})`);
        }
        return { ...arm, timeoutMs, ...(apiKey && { apiKey }) };
      }
      case 'external': {
        const token = arm.tokenEnv ? env[arm.tokenEnv] : undefined;
        if (arm.tokenEnv && !token) {
          throw new ArmsConfigError(`arm "${arm.id}" reads its token from ${arm.tokenEnv}, which is not set; set it or remove tokenEnv (${where})`);
        }
        return { ...arm, timeoutMs, ...(token && { token }) };
      }
    }
  });
}

/** The arms from AITL_ARMS_FILE, AITL_ARMS (inline JSON), or the default. */
export function loadArms(env: NodeJS.ProcessEnv, defaultTimeoutMs = DEFAULT_ARM_TIMEOUT_MS): Arm[] {
  const file = env.AITL_ARMS_FILE;
  const inline = env.AITL_ARMS;
  if (file && inline) throw new ArmsConfigError('set AITL_ARMS_FILE or AITL_ARMS, not both');
  if (file) {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (error) {
      throw new ArmsConfigError(`cannot read AITL_ARMS_FILE ${file}: ${(error as Error).message}`);
    }
    return resolveArms(parseJson(text, `AITL_ARMS_FILE ${file}`), env, `AITL_ARMS_FILE ${file}`, defaultTimeoutMs);
  }
  if (inline) return resolveArms(parseJson(inline, 'AITL_ARMS'), env, 'AITL_ARMS', defaultTimeoutMs);
  return resolveArms(DEFAULT_ARMS, env, 'the default arms', defaultTimeoutMs);
}

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ArmsConfigError(`${where} is not valid JSON: ${(error as Error).message}`);
  }
}
