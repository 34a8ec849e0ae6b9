/** Parsers for numeric command-line options: a bad value is a one-line usage error, never a NaN downstream. */
import { InvalidArgumentError } from '@commander-js/extra-typings';

export const integerOption =
  (min: number, max = Number.MAX_SAFE_INTEGER) =>
  (value: string): number => {
    const n = Number(value);
    if (!/^-?\d+$/.test(value.trim()) || n < min || n > max) throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}, got "${value}"`);
    return n;
  };

export const positiveNumber = (value: string): number => {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`expected a positive number, got "${value}"`);
  return n;
};

export const fraction = (value: string): number => {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 1) throw new InvalidArgumentError(`expected a number from 0 to 1, got "${value}"`);
  return n;
};

export const fractionBelowOne = (value: string): number => {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n >= 1) throw new InvalidArgumentError(`expected a number from 0 up to (not including) 1, got "${value}"`);
  return n;
};

/** Default worker count: the machine's cores, at most 2 (the pool is sized to real cores; more only oversubscribes). */
export async function defaultWorkers(): Promise<number> {
  const { availableParallelism } = await import('node:os');
  return Math.max(1, Math.min(2, availableParallelism()));
}
