// How a spend is paid for: oldest donations first (FIFO), in integer arithmetic. Kept free of
// Fabric so the rule can be tested on its own over many random sequences.

export interface Fundable {
  readonly id: string;
  /** What is left of the donation, in minor units. */
  readonly remaining: bigint;
}

export interface AllocationPiece {
  readonly donationId: string;
  readonly amount: bigint;
}

/**
 * Splits `amount` over `sources`, given oldest first. Each source gives all it has left until
 * the last one, which gives only what is still needed. Returns undefined when the sources
 * together hold less than `amount` (nothing is allocated then).
 */
export function allocateFifo(sources: readonly Fundable[], amount: bigint): AllocationPiece[] | undefined {
  if (amount <= 0n) throw new RangeError('amount must be positive');
  const pieces: AllocationPiece[] = [];
  let needed = amount;
  for (const source of sources) {
    if (needed === 0n) break;
    if (source.remaining <= 0n) continue;
    const take = source.remaining < needed ? source.remaining : needed;
    pieces.push({ donationId: source.id, amount: take });
    needed -= take;
  }
  return needed === 0n ? pieces : undefined;
}
