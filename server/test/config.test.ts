import { describe, expect, it } from 'vitest';
import { ConfigError, ENROLLMENT_DEFAULTS, LOAD_DEFAULTS, loadConfig } from '../src/config';

const OIDC = {
  AITL_OIDC_ISSUER: 'https://acme.okta.com',
  AITL_OIDC_CLIENT_ID: 'aitl',
  AITL_OIDC_TENANT: 'acme',
  AITL_OIDC_EMAIL_DOMAINS: ' Acme.com, @acme.co.uk ,acme.com',
};

describe('enrolment configuration', () => {
  it('defaults to the documented budgets and no company sign-in', () => {
    expect(loadConfig({}).enrollment).toEqual(ENROLLMENT_DEFAULTS);
    expect(loadConfig({ AITL_ENROLL_RATE_LIMIT: '5', AITL_ENROLL_FAILURE_LIMIT: '3' }).enrollment).toMatchObject({ perMinute: 5, failuresPerQuarterHour: 3 });
  });

  it('reads company sign-in with normalised, de-duplicated domains', () => {
    expect(loadConfig(OIDC).enrollment.companySignIn).toEqual({ issuer: 'https://acme.okta.com', clientId: 'aitl', tenantId: 'acme', emailDomains: ['acme.com', 'acme.co.uk'] });
    expect(loadConfig({ ...OIDC, AITL_OIDC_CLIENT_SECRET: 's' }).enrollment.companySignIn?.clientSecret).toBe('s');
  });

  it('says what is missing or wrong, rather than starting half-configured', () => {
    const fails = (env: Record<string, string>) => {
      try {
        loadConfig(env);
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return (error as Error).message;
      }
      throw new Error('loadConfig accepted it');
    };
    expect(fails({ AITL_OIDC_ISSUER: OIDC.AITL_OIDC_ISSUER })).toContain('also needs AITL_OIDC_CLIENT_ID, AITL_OIDC_TENANT, AITL_OIDC_EMAIL_DOMAINS');
    expect(fails({ AITL_OIDC_CLIENT_ID: 'aitl' })).toContain('AITL_OIDC_CLIENT_ID set without AITL_OIDC_ISSUER');
    expect(fails({ ...OIDC, AITL_OIDC_ISSUER: 'http://idp.acme.com' })).toContain('must be https://');
    expect(fails({ ...OIDC, AITL_OIDC_EMAIL_DOMAINS: 'not a domain' })).toContain('AITL_OIDC_EMAIL_DOMAINS');
    expect(loadConfig({ ...OIDC, AITL_OIDC_ISSUER: 'http://127.0.0.1:4000' }).enrollment.companySignIn?.issuer).toBe('http://127.0.0.1:4000');
  });
});

describe('load shedding and shared rate limits', () => {
  it('defaults to the documented caps, per-process rate limits, and reads overrides', () => {
    const defaults = loadConfig({});
    // PGlite too: its statements run on their own thread, beside the other suggestion's JavaScript.
    expect(defaults.load).toEqual(LOAD_DEFAULTS);
    expect(loadConfig({ DATABASE_URL: 'postgres://db/aitl' }).load).toEqual(LOAD_DEFAULTS);
    const llmArm = JSON.stringify({ arms: [{ id: 'gpt', provider: 'openai', baseUrl: 'http://127.0.0.1:11434/v1', model: 'llama3', promptVersion: 'support-reply-1' }] });
    expect(loadConfig({ AITL_ARMS: llmArm }).load.suggestionsConcurrency).toBe(LOAD_DEFAULTS.suggestionsConcurrency);
    expect(loadConfig({ DATABASE_URL: 'postgres://db/aitl', AITL_SUGGESTIONS_CONCURRENCY: '1' }).load.suggestionsConcurrency).toBe(1);
    expect(defaults.rateLimitRedisUrl).toBeUndefined();
    const set = loadConfig({ AITL_SUGGESTIONS_CONCURRENCY: '8', AITL_QUEUE_WAIT_MS: '0', AITL_MAX_HEAP_MB: '256', AITL_RATE_LIMIT_REDIS_URL: 'redis://10.0.0.5:6379' });
    expect(set.load).toMatchObject({ suggestionsConcurrency: 8, syncConcurrency: LOAD_DEFAULTS.syncConcurrency, queueWaitMs: 0, maxHeapUsedBytes: 256 * 1024 * 1024 });
    expect(set.rateLimitRedisUrl).toBe('redis://10.0.0.5:6379');
  });

  it('refuses a cap of zero and a Redis URL that is not one, naming the variable', () => {
    expect(() => loadConfig({ AITL_SYNC_CONCURRENCY: '0' })).toThrow(/AITL_SYNC_CONCURRENCY/);
    expect(() => loadConfig({ AITL_RATE_LIMIT_REDIS_URL: 'http://cache:6379' })).toThrow(/AITL_RATE_LIMIT_REDIS_URL/);
  });
});

describe('batch build configuration', () => {
  it('leaves the redaction threads to the build unless set, and rejects a bad count', () => {
    expect(loadConfig({}).redactionThreads).toBeUndefined();
    expect(loadConfig({ AITL_REDACTION_THREADS: '0' }).redactionThreads).toBe(0);
    expect(loadConfig({ AITL_REDACTION_THREADS: '2' }).redactionThreads).toBe(2);
    expect(() => loadConfig({ AITL_REDACTION_THREADS: '-1' })).toThrow(/AITL_REDACTION_THREADS/);
  });
});
