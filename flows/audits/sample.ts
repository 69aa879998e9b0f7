/**
 * The audit sample (9.2.2: the programme considers the importance of the processes): drawn
 * risk-weighted and reproducibly. High-risk systems come first, up to `sizes.high`, then limited
 * up to `sizes.limited`, then minimal up to `sizes.minimal`; within a class the systems are put
 * in id order and shuffled with a PRNG seeded from the stored seed (SHA-256 of the seed, the
 * class and a counter), so anyone can draw the same sample again from the seed.
 */
import { createHash, randomBytes } from 'node:crypto';

/** The classes sampled, in the order they are drawn. */
export const SAMPLED_CLASSES = ['high', 'limited', 'minimal'] as const;
/** A class the sample draws from. */
export type SampledClass = (typeof SAMPLED_CLASSES)[number];

/**
 * The system statuses a sample draws from: `approved` only — systems in use under an approval.
 * Drafts, pending, rejected, blocked and changes-requested systems are not in use (nothing to
 * audit in operation yet), retired ones no longer are.
 */
export const SAMPLED_STATUSES: readonly string[] = ['approved'];

/** A system the sample can draw. */
export interface SampleCandidate {
  id: number;
  riskClass: string | null;
}

/** How many to draw per class. */
export interface SampleSizes {
  high: number;
  limited: number;
  minimal: number;
}

/** A new random seed (128 bits, hex). */
export function newSampleSeed(): string {
  return randomBytes(16).toString('hex');
}

/** A uniform number in [0, 1) from the seed, the class and a counter (48 bits of SHA-256). */
function uniform(seed: string, cls: string, i: number): number {
  const h = createHash('sha256').update(`${seed}\n${cls}\n${i}`).digest();
  return h.readUIntBE(0, 6) / 2 ** 48;
}

/** The ids of `items` in a seeded order (Fisher–Yates from the last position down). */
export function seededShuffle<T extends { id: number }>(items: readonly T[], seed: string, cls: string): T[] {
  const out = [...items].sort((a, b) => a.id - b.id);
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(uniform(seed, cls, i) * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/**
 * Draws the sample: ids in drawing order (high first, then limited, then minimal). Pure: the same
 * systems, sizes and seed always give the same sample, whatever order the systems come in.
 */
export function drawSample(systems: readonly SampleCandidate[], sizes: SampleSizes, seed: string): number[] {
  const out: number[] = [];
  for (const cls of SAMPLED_CLASSES) {
    const pool = systems.filter((s) => s.riskClass === cls);
    out.push(...seededShuffle(pool, seed, cls).slice(0, Math.max(0, sizes[cls])).map((s) => s.id));
  }
  return out;
}
