/** Order statistics of a sample of measurements. */

export interface Summary {
  readonly count: number
  readonly min: number
  /** First quartile. */
  readonly q1: number
  readonly median: number
  /** Third quartile. */
  readonly q3: number
  readonly max: number
}

/** Quantile `p` (0 to 1) of sorted values, interpolating linearly between neighbours. */
const quantile = (sorted: ReadonlyArray<number>, p: number): number => {
  const position = (sorted.length - 1) * p
  const lower = Math.floor(position)
  const upper = Math.ceil(position)
  return sorted[lower]! + (sorted[upper]! - sorted[lower]!) * (position - lower)
}

export const summarize = (values: ReadonlyArray<number>): Summary => {
  if (values.length === 0) {
    throw new RangeError("summarize needs at least one value")
  }
  const sorted = [...values].sort((a, b) => a - b)
  return {
    count: sorted.length,
    min: sorted[0]!,
    q1: quantile(sorted, 0.25),
    median: quantile(sorted, 0.5),
    q3: quantile(sorted, 0.75),
    max: sorted[sorted.length - 1]!
  }
}
