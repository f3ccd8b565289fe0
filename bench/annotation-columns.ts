/**
 * The annotation columns the ingest benches write beside tenant, agent and token, in the order of
 * the server's INSERT (server/src/annotations/insert-statement.ts), and one annotation's values.
 */
import type { Annotation } from '../lib/contract';

export const ANNOTATION_COLUMNS = ['id', 'type', 'schema_version', 'client_id', 'platform', 'ticket_id', 'impression_id', 'created_at', 'body', 'verdict', 'strength', 'outcome', 'similarity', 'article_id', 'article_version', 'label'];

/** `a`'s values for ANNOTATION_COLUMNS, with its JSON body encoded by the caller. */
export function annotationColumnValues(a: Annotation, json: string): unknown[] {
  return [
    a.id, a.type, a.schemaVersion, a.clientId, a.ticket.platform, a.ticket.ticketId, a.impressionId, a.createdAt, json,
    a.type === 'preference' ? a.payload.verdict : null,
    a.type === 'preference' ? (a.payload.strength ?? null) : null,
    a.type === 'adoption' ? a.payload.outcome : null,
    a.type === 'adoption' ? a.payload.similarity : null,
    a.type === 'relevance' ? a.payload.articleId : null,
    a.type === 'relevance' ? a.payload.articleVersion : null,
    a.type === 'relevance' ? a.payload.label : null,
  ];
}
