/**
 * Bad input to access management (tokens, enrollment keys, agents): the message says what to fix.
 * The CLI prints it; the admin API answers 400 (or 404 for something not in the caller's tenant).
 */
export class AccessError extends Error {}
