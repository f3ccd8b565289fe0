/** A failure the person at the terminal can act on; printed without a stack trace. */
export class OperationError extends Error {}
