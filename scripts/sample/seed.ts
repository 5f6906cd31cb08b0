import { createRng, type Rng } from './prng.ts';

export const DEFAULT_SEED = 20261101;

/** A generator of its own per agency, so adding an agency or changing a count elsewhere leaves the others unchanged. */
export function rngFor(seed: number, key: string): Rng {
  let h = 2166136261 ^ seed;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 16777619);
  return createRng(h >>> 0);
}
