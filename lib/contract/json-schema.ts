import { z } from 'zod';
import { AgentActionRequest, AgentActionResult, AgentList, AuditList, EnrollmentKeyCreateRequest, EnrollmentKeyCreated, EnrollmentKeyList, TokenCreateRequest, TokenCreated, TokenList } from './admin';
import { Annotation, AdoptionPayload, MissingKnowledgePayload, PreferencePayload, RelevancePayload } from './annotation';
import { CompanySignInRequest, EnrollRequest, EnrollResponse, EnrollmentMethods } from './enrollment';
import { ApiError } from './errors';
import { BatchBuildRequest, BatchDetail, BatchList, BatchManifest, DpoRow, EvalRow, KnowledgeGapRow, KtoRow, RerankRow, SftRow, SourceRow, TripletRow } from './batch';
import { Health } from './health';
import { TokenOwner } from './whoami';
import { GapResolveRequest, GapResolveResponse, KnowledgeGapList } from './knowledge-gap';
import { GapClusterList } from './knowledge-gap-cluster';
import { MetricsResponse } from './metrics';
import { EvalReport, LabelledTicket } from './evaluation';
import { ExternalArmRequest, ExternalArmResponse } from './external-arm';
import { Impression, SuggestionRequest } from './impression';
import { ImpressionRecord } from './impression-record';
import { SyncRequest, SyncResponse } from './sync';
import { TicketContext } from './ticket';

/** The schemas other languages validate against, by name. */
export const PUBLISHED_SCHEMAS = {
  Annotation,
  PreferencePayload,
  AdoptionPayload,
  RelevancePayload,
  MissingKnowledgePayload,
  TicketContext,
  SuggestionRequest,
  Impression,
  ImpressionRecord,
  ExternalArmRequest,
  ExternalArmResponse,
  LabelledTicket,
  EvalReport,
  SyncRequest,
  SyncResponse,
  ApiError,
  Health,
  TokenOwner,
  BatchBuildRequest,
  BatchList,
  BatchDetail,
  BatchManifest,
  SftRow,
  DpoRow,
  KtoRow,
  TripletRow,
  RerankRow,
  KnowledgeGapRow,
  EvalRow,
  SourceRow,
  MetricsResponse,
  KnowledgeGapList,
  GapResolveRequest,
  GapResolveResponse,
  GapClusterList,
  EnrollmentMethods,
  EnrollRequest,
  CompanySignInRequest,
  EnrollResponse,
  TokenList,
  TokenCreateRequest,
  TokenCreated,
  EnrollmentKeyList,
  EnrollmentKeyCreateRequest,
  EnrollmentKeyCreated,
  AgentList,
  AgentActionRequest,
  AgentActionResult,
  AuditList,
} as const;

/**
 * The contract as one JSON Schema (draft 2020-12) document with every schema under `$defs`.
 * Cross-field rules (e.g. "strength is required when one arm wins") cannot be expressed in JSON
 * Schema; they are stated in the definition's `description` and enforced by the server.
 */
export function contractJsonSchema(): Record<string, unknown> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(PUBLISHED_SCHEMAS)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, { target: 'draft-2020-12', unrepresentable: 'any', io: 'input', uri: (id) => `#/$defs/${id}` });
  const defs: Record<string, unknown> = {};
  for (const [id, schema] of Object.entries(schemas)) {
    // `$id` with a fragment is not allowed in draft 2020-12; the `$defs` key names the schema.
    const { $schema: _schema, $id: _id, ...rest } = schema as Record<string, unknown>;
    defs[id] = rest;
  }
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://github.com/aitl/aitl/contract.schema.json',
    title: 'AITL contract',
    $defs: defs,
  };
}
