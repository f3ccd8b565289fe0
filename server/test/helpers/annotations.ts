import fs from 'node:fs';
import { v7 as uuidv7 } from 'uuid';
import type { Annotation, AnnotationType } from '../../../lib/contract';

const EXAMPLES_DIR = new URL('../../../lib/contract/examples/', import.meta.url);

export function readExample<T = unknown>(name: string): T {
  return JSON.parse(fs.readFileSync(new URL(`${name}.json`, EXAMPLES_DIR), 'utf8'));
}

export const ANNOTATION_EXAMPLES: Record<AnnotationType, Annotation> = {
  preference: readExample('preference'),
  adoption: readExample('adoption'),
  relevance: readExample('relevance'),
  missing_knowledge: readExample('missing_knowledge'),
};

/** A fresh, valid annotation of the given type (new id) from the shipped example. */
export function makeAnnotation(type: AnnotationType, clientId: string, overrides: Partial<Annotation> = {}): Annotation {
  return { ...structuredClone(ANNOTATION_EXAMPLES[type]), id: uuidv7(), clientId, ...overrides } as Annotation;
}

/** One of each type, cycling, for bulk requests. */
export function makeAnnotations(count: number, clientId: string): Annotation[] {
  const types = Object.keys(ANNOTATION_EXAMPLES) as AnnotationType[];
  return Array.from({ length: count }, (_, i) => makeAnnotation(types[i % types.length]!, clientId));
}
