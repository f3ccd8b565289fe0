import fs from 'node:fs';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import {
  CompanySignInRequest,
  EnrollRequest,
  Annotation,
  ANNOTATION_TYPES,
  DEFAULT_ADOPTION_THRESHOLDS,
  Impression,
  SuggestionRequest,
  classifyAdoption,
  contractJsonSchema,
  issuePaths,
} from '../../../lib/contract';
import { ANNOTATION_EXAMPLES, readExample } from '../helpers/annotations';

describe('contract examples', () => {
  it('ships one valid example per annotation type, each of its own type', () => {
    const files = fs.readdirSync(new URL('../../../lib/contract/examples/', import.meta.url));
    for (const type of ANNOTATION_TYPES) {
      expect(files).toContain(`${type}.json`);
      const parsed = Annotation.parse(ANNOTATION_EXAMPLES[type]);
      expect(parsed.type).toBe(type);
      expect(parsed).toEqual(ANNOTATION_EXAMPLES[type]); // nothing dropped or rewritten
    }
  });

  it('ships a valid suggestion request and impression', () => {
    expect(() => SuggestionRequest.parse(readExample('suggestion-request'))).not.toThrow();
    expect(() => Impression.parse(readExample('impression'))).not.toThrow();
  });

  it('ships valid enrolment requests; an email is one identity whatever its case', () => {
    expect(EnrollRequest.parse({ ...readExample<object>('enroll-request'), email: ' Jane.Doe@EXAMPLE.com ' }).email).toBe('jane.doe@example.com');
    expect(() => CompanySignInRequest.parse(readExample('company-sign-in-request'))).not.toThrow();
    const elsewhere = { ...readExample<object>('company-sign-in-request'), callbackUrl: 'https://evil.example/?code=x' };
    expect(issuePaths(CompanySignInRequest.safeParse(elsewhere).error!)).toEqual(['callbackUrl']);
  });

  it('rejects unknown fields, oversized text, non-v7 ids and bad timestamps, naming the path', () => {
    const base = ANNOTATION_EXAMPLES.missing_knowledge;
    const cases: [unknown, string][] = [
      [{ ...base, agentId: 'x' }, 'agentId'],
      [{ ...base, payload: { ...base.payload, description: 'x'.repeat(2001) } }, 'payload.description'],
      [{ ...base, payload: { ...base.payload, description: '   ' } }, 'payload.description'],
      [{ ...base, id: '550e8400-e29b-41d4-a716-446655440000' }, 'id'],
      [{ ...base, createdAt: '25/11/2026 10:00' }, 'createdAt'],
      [{ ...base, schemaVersion: 2 }, 'schemaVersion'],
      [{ ...base, ticket: { platform: 'freshdesk', ticketId: '1' } }, 'ticket.platform'],
      [{ ...base, ticket: { platform: 'zendesk', ticketId: '1/../2' } }, 'ticket.ticketId'],
      [{ ...base, payload: { ...base.payload, suggestedTitle: 'a\ud800b' } }, 'payload.suggestedTitle'],
    ];
    for (const [value, path] of cases) {
      const result = Annotation.safeParse(value);
      expect(result.success, path).toBe(false);
      expect(issuePaths(result.error!)).toContain(path);
    }
  });

  it('enforces the cross-field rules of preference and adoption', () => {
    const pref = ANNOTATION_EXAMPLES.preference;
    const tieWithStrength = { ...pref, payload: { ...pref.payload, verdict: 'tie' } };
    expect(issuePaths(Annotation.safeParse(tieWithStrength).error!)).toEqual(['payload.strength']);

    const adoption = ANNOTATION_EXAMPLES.adoption;
    const notUsed = { ...adoption, payload: { ...adoption.payload, outcome: 'not_used', slot: null, similarity: null, sentText: 'own reply' } };
    expect(Annotation.safeParse(notUsed).success).toBe(true);
    const notUsedWithSlot = { ...notUsed, payload: { ...notUsed.payload, slot: 'A' } };
    expect(issuePaths(Annotation.safeParse(notUsedWithSlot).error!)).toEqual(['payload.slot']);
    const inconsistent = { ...adoption, payload: { ...adoption.payload, similarity: 0.99 } };
    expect(issuePaths(Annotation.safeParse(inconsistent).error!)).toEqual(['payload.outcome']);
    const badThresholds = { ...adoption, payload: { ...adoption.payload, thresholds: { asIs: 0.5, lightEdit: 0.8, heavyEdit: 0.3 } } };
    expect(issuePaths(Annotation.safeParse(badThresholds).error!)).toContain('payload.thresholds');
  });

  it('classifies adoption by the recorded thresholds', () => {
    const t = DEFAULT_ADOPTION_THRESHOLDS;
    expect([1, 0.98, 0.9, 0.8, 0.5, 0.3, 0.29, 0].map((s) => classifyAdoption(s, t))).toEqual([
      'as_is', 'as_is', 'light_edit', 'light_edit', 'heavy_edit', 'heavy_edit', 'discarded', 'discarded',
    ]);
  });
});

describe('aitl schema (JSON Schema of the contract)', () => {
  const schema = contractJsonSchema();
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(schema, 'contract');
  const validate = (name: string, value: unknown) => ajv.validate(`contract#/$defs/${name}`, value);

  it('validates every shipped example, so clients in other languages agree with the server', () => {
    for (const type of ANNOTATION_TYPES) expect(validate('Annotation', ANNOTATION_EXAMPLES[type]), ajv.errorsText()).toBe(true);
    expect(validate('SuggestionRequest', readExample('suggestion-request')), ajv.errorsText()).toBe(true);
    expect(validate('Impression', readExample('impression')), ajv.errorsText()).toBe(true);
  });

  it('rejects what the server rejects structurally', () => {
    const base = ANNOTATION_EXAMPLES.relevance;
    expect(validate('Annotation', { ...base, extra: 1 })).toBe(false);
    expect(validate('Annotation', { ...base, payload: { ...base.payload, label: 'great' } })).toBe(false);
    expect(validate('Annotation', { ...base, type: 'unknown' })).toBe(false);
    expect(validate('SyncRequest', { clientId: base.clientId, annotations: [] })).toBe(false);
  });
});
