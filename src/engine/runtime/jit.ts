/**
 * V8's optimising compiler for a fit. A fit runs many short stages of numeric code, each in freshly
 * started worker threads, and V8's default tier-up budget (66 KB of bytecode executed, Node 20)
 * sends functions to the optimising compiler before they are hot, then again as each stage feeds
 * them new shapes; on a 2-core machine that compilation competes with the workers. A larger budget
 * compiles what stays hot, about half the compiler's CPU at 10⁶ × 16, and fits take 5–25% less wall
 * time (docs/performance.md#the-compilers-tier-up-budget).
 */
import v8 from 'node:v8';

/** Bytecode a function executes before V8 considers optimising it. */
export const INTERRUPT_BUDGET = 262_144;

/**
 * Raise V8's tier-up budget for this process and the worker threads it starts afterwards. V8 flags are
 * process-wide, so the command line does this at start-up; a program that embeds latent-laws may call
 * it (or run `node --interrupt-budget=262144`), and it changes no result, only when code is compiled.
 */
export function tuneCompiler(): void {
  v8.setFlagsFromString(`--interrupt-budget=${INTERRUPT_BUDGET}`);
}
