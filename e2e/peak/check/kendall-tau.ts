/**
 * Kendall's rank correlation τ-b between two paired lists: +1 when both orders agree on every
 * pair, −1 when they disagree on every pair. The drill's fairness figure is τ between the
 * first-seen order of admitted tickets and their admission order (issue 17 asks τ ≥ 0.9).
 *
 *   τ-b = (C − D) / √((n₀ − n₁)(n₀ − n₂))
 *
 * with C concordant and D discordant pairs, n₀ = n(n−1)/2, and n₁, n₂ the pairs tied in x and
 * in y (Kendall, "The treatment of ties in ranking problems", Biometrika 1945; the same τ-b
 * as scipy.stats.kendalltau's default and R's cor(method = "kendall")). Ties matter here: two
 * tickets can share a first-seen millisecond.
 *
 * Hand-written: no maintained npm package computes it. simple-statistics, jStat and
 * @stdlib/stats offer Pearson and Spearman only; the packages named after Kendall are
 * unmaintained single-purpose snippets. The pairwise count is O(n²), fine for the drill's
 * hundreds of admitted tickets (Knight's O(n log n) algorithm is not worth its code here).
 */

export interface KendallTau {
  /** null when undefined: fewer than two pairs, or every value of one list tied. */
  tau: number | null
  n: number
  concordant: number
  discordant: number
  tiedX: number
  tiedY: number
}

/** τ-b of paired values x[i], y[i]. Throws RangeError when the lists differ in length or hold a non-finite number. */
export function kendallTauB(x: readonly number[], y: readonly number[]): KendallTau {
  if (x.length !== y.length) throw new RangeError(`paired lists differ in length (${x.length} vs ${y.length})`)
  if (![...x, ...y].every(Number.isFinite)) throw new RangeError('Kendall τ needs finite numbers')
  const n = x.length
  let concordant = 0
  let discordant = 0
  let tiedX = 0
  let tiedY = 0
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const dx = Math.sign(x[j]! - x[i]!)
      const dy = Math.sign(y[j]! - y[i]!)
      if (dx === 0) tiedX++
      if (dy === 0) tiedY++
      if (dx !== 0 && dy !== 0) {
        if (dx === dy) concordant++
        else discordant++
      }
    }
  }
  const pairs = (n * (n - 1)) / 2
  const denominator = Math.sqrt((pairs - tiedX) * (pairs - tiedY))
  return { tau: denominator > 0 ? (concordant - discordant) / denominator : null, n, concordant, discordant, tiedX, tiedY }
}
