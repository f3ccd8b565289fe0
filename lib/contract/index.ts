/**
 * The contract between the extension, the server and anyone reading AITL data.
 * It imports nothing from either side; both import it. Types are inferred from the schemas.
 */
export * from './common';
export * from './ticket';
export * from './impression';
export * from './impression-record';
export * from './external-arm';
export * from './evaluation';
export * from './annotation';
export * from './sync';
export * from './errors';
export * from './issues';
export * from './health';
export * from './whoami';
export * from './batch';
export * from './enrollment';
export * from './admin';
export * from './knowledge-gap';
export * from './knowledge-gap-cluster';
export { contractJsonSchema, PUBLISHED_SCHEMAS } from './json-schema';
export * from './metrics';
export * from './agreement';
export * from './adapter-health';
export * from './helpfulness';
export * from './extension';
export * from './values';
