import type { OperationArgs, OperationName } from './operations';

/** What a command group registered outside index.ts is given: how to run an operation and print it. */
export type Run = <N extends OperationName>(name: N, args: OperationArgs<N>) => Promise<void>;
/** A commander argument parser for a number, naming the flag in its error. */
export type NumberParser = (flag: string) => (value: string) => number;
