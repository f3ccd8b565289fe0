/**
 * How long to wait when the backend said `Retry-After: ms`: at least that (the backend's word is a
 * minimum) and up to half as long again, at random. A backend shedding a crowd tells every agent
 * the same seconds; waited exactly, they would all come back in the same instant and be shed
 * together again.
 */
export const spreadRetryAfter = (ms: number, random: () => number = Math.random): number => Math.round(ms * (1 + random() / 2));
