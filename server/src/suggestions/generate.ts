import { LIMITS } from '../../../lib/contract';
import type { Arm } from './arms-config';
import { servedPromptVersion } from './prompts';
import { extractiveReply } from './providers/extractive';
import { externalReply } from './providers/external';
import { openaiReply } from './providers/openai';
import type { ArmOutput, GenerationInput } from './providers/provider';

export interface ArmAttempt {
  arm: Arm;
  status: 'ok' | 'failed' | 'timeout';
  /** The arm's prompt version, with the example set when its prompt had examples. */
  promptVersion: string;
  output?: ArmOutput;
  error?: string;
  latencyMs: number;
}

class ArmTimeout extends Error {}

function callProvider(arm: Arm, input: GenerationInput): Promise<ArmOutput> {
  switch (arm.provider) {
    case 'extractive':
      return Promise.resolve().then(() => extractiveReply(arm.strategy, input));
    case 'openai':
      return openaiReply(arm, input);
    case 'external':
      return externalReply(arm, input);
  }
}

/**
 * Runs one arm under its timeout. Never throws: a failure or a timeout is an outcome the
 * suggestion degrades around, with the reason shown to the agent.
 */
export async function runArm(arm: Arm, given: Omit<GenerationInput, 'signal'>): Promise<ArmAttempt> {
  // Only chat arms put examples into a prompt; the others never see them.
  const { examples, ...rest } = given;
  const used = arm.provider === 'openai' && arm.examples > 0 ? examples : undefined;
  const input: Omit<GenerationInput, 'signal'> = used ? { ...rest, examples: used } : rest;
  const promptVersion = servedPromptVersion(arm.promptVersion, used);
  const controller = new AbortController();
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  // The race cuts off a provider even if it ignores the abort signal.
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const reason = new ArmTimeout(`timed out after ${arm.timeoutMs} ms`);
      controller.abort(reason);
      reject(reason);
    }, arm.timeoutMs);
  });
  const latency = () => Math.round(performance.now() - started);
  try {
    const output = await Promise.race([callProvider(arm, { ...input, signal: controller.signal }), deadline]);
    const text = output.text.trim().slice(0, LIMITS.longText);
    if (!text) return { arm, promptVersion, status: 'failed', error: 'returned an empty reply', latencyMs: latency() };
    const shown = new Set(input.articles.map((a) => a.id));
    const cited = [...new Set(output.citedArticleIds)].filter((id) => shown.has(id)).slice(0, LIMITS.shownArticles);
    return { arm, promptVersion, status: 'ok', output: { ...output, text, citedArticleIds: cited }, latencyMs: latency() };
  } catch (error) {
    const timedOut = error instanceof ArmTimeout;
    return { arm, promptVersion, status: timedOut ? 'timeout' : 'failed', error: (error as Error).message, latencyMs: latency() };
  } finally {
    clearTimeout(timer);
  }
}
