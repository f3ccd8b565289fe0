import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config';

describe('judge configuration', () => {
  it('is off by default: no judge, no number', () => {
    expect(loadConfig({}).judge).toBeNull();
  });

  it('reads the endpoint, model, key variable and rubric, and keeps the key out of what is stored', () => {
    const judge = loadConfig({ AITL_JUDGE_URL: 'https://api.openai.com/v1/', AITL_JUDGE_MODEL: 'gpt-4o-mini', AITL_JUDGE_API_KEY_ENV: 'OPENAI_API_KEY', OPENAI_API_KEY: 'sk-x', AITL_JUDGE_EVERY: '12h' }).judge;
    expect(judge).toEqual({
      baseUrl: 'https://api.openai.com/v1',
      model: 'gpt-4o-mini',
      apiKeyEnv: 'OPENAI_API_KEY',
      apiKey: 'sk-x',
      rubricVersion: 'v1',
      timeoutMs: 30_000,
      concurrency: 4,
      sample: 200,
      everyMs: 12 * 3_600_000,
    });
  });

  it.each([
    [{ AITL_JUDGE_MODEL: 'm' }, /AITL_JUDGE_MODEL set without AITL_JUDGE_URL/],
    [{ AITL_JUDGE_URL: 'http://localhost:11434/v1' }, /also needs AITL_JUDGE_MODEL/],
    [{ AITL_JUDGE_URL: 'ftp://x/v1', AITL_JUDGE_MODEL: 'm' }, /AITL_JUDGE_URL/],
    [{ AITL_JUDGE_URL: 'http://localhost:11434/v1', AITL_JUDGE_MODEL: 'm', AITL_JUDGE_API_KEY_ENV: 'NOT_SET_ANYWHERE' }, /NOT_SET_ANYWHERE \(AITL_JUDGE_API_KEY_ENV\), which is not set/],
    [{ AITL_JUDGE_URL: 'http://localhost:11434/v1', AITL_JUDGE_MODEL: 'm', AITL_JUDGE_API_KEY_ENV: 'sk-abc-123' }, /must be the name of an environment variable/],
    [{ AITL_JUDGE_URL: 'http://localhost:11434/v1', AITL_JUDGE_MODEL: 'm', AITL_JUDGE_RUBRIC: 'v9' }, /AITL_JUDGE_RUBRIC/],
    [{ AITL_JUDGE_URL: 'http://localhost:11434/v1', AITL_JUDGE_MODEL: 'm', AITL_JUDGE_EVERY: 'daily' }, /duration like 30m, 12h or 1d/],
    [{ AITL_JUDGE_URL: 'http://localhost:11434/v1', AITL_JUDGE_MODEL: 'm', AITL_JUDGE_EVERY: '1m' }, /at least 5m/],
  ])('refuses %o with a message that says what to fix', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});
