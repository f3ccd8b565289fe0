import { extractCitations, buildChatPrompt } from '../prompts';
import type { Arm } from '../arms-config';
import { postJson } from './post-json';
import { ProviderError, type ArmOutput, type GenerationInput } from './provider';

type OpenAIArm = Extract<Arm, { provider: 'openai' }>;

/**
 * An OpenAI-compatible chat completions endpoint (OpenAI, vLLM, Ollama, LM Studio, ...). The
 * reply cites articles as [n]; the markers are taken out of the text and recorded as citations.
 */
export async function openaiReply(arm: OpenAIArm, input: GenerationInput): Promise<ArmOutput> {
  const prompt = buildChatPrompt(arm.promptVersion, input.context, input.articles, input.examples);
  const url = `${arm.baseUrl.replace(/\/+$/, '')}/chat/completions`;
  const body = await postJson(url, { model: arm.model, messages: prompt, temperature: arm.temperature, max_tokens: arm.maxTokens, stream: false }, arm.apiKey, input.signal);
  const content = (body as { choices?: { message?: { content?: unknown } }[] })?.choices?.[0]?.message?.content;
  if (typeof content !== 'string') throw new ProviderError(`${url} answered without choices[0].message.content`);
  const { text, cited } = extractCitations(content, input.articles);
  if (!text) throw new ProviderError(`${url} answered with an empty reply`);
  return { text, citedArticleIds: cited, prompt };
}
