/**
 * Seeded pseudo-random numbers, so one `randomSeed` always produces the same people and faults.
 * Credentials never come from here: they use `node:crypto`.
 */

/** A seeded generator of numbers in [0, 1) and derived helpers. */
export interface Random {
  next(): number;
  /** Integer in [min, max], both ends included. */
  integer(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  /** True with probability `share`. */
  chance(share: number): boolean;
  /** A version 4 UUID built from the generator. */
  uuid(): string;
  hex(length: number): string;
}

/** Creates a generator from `seed` (mulberry32: small, fast and good enough for fixtures). */
export function createRandom(seed: number): Random {
  let state = seed >>> 0;

  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };

  const hex = (length: number): string => {
    let text = "";
    while (text.length < length) {
      text += Math.floor(next() * 0x100000000).toString(16).padStart(8, "0");
    }
    return text.slice(0, length);
  };

  return {
    next,
    integer: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T,
    chance: (share) => next() < share,
    uuid: () => {
      const digits = hex(32);
      const variant = ((parseInt(digits[16] ?? "0", 16) & 0x3) | 0x8).toString(16);
      return `${digits.slice(0, 8)}-${digits.slice(8, 12)}-4${digits.slice(13, 16)}-${variant}${digits.slice(17, 20)}-${digits.slice(20, 32)}`;
    },
    hex,
  };
}
