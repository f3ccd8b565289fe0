import { describe, expect, it } from 'vitest';
import { ConfigError, ENROLLMENT_DEFAULTS, loadConfig } from '../src/config';

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

describe('batch build configuration', () => {
  it('leaves the redaction threads to the build unless set, and rejects a bad count', () => {
    expect(loadConfig({}).redactionThreads).toBeUndefined();
    expect(loadConfig({ AITL_REDACTION_THREADS: '0' }).redactionThreads).toBe(0);
    expect(loadConfig({ AITL_REDACTION_THREADS: '2' }).redactionThreads).toBe(2);
    expect(() => loadConfig({ AITL_REDACTION_THREADS: '-1' })).toThrow(/AITL_REDACTION_THREADS/);
  });
});
