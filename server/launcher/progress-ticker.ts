/**
 * A "still working" line for steps that report no progress of their own (initialising the
 * embedded database): elapsed seconds on a TTY, a start and an end line otherwise (CI logs).
 */
export async function withTicker<T>(label: string, fn: () => Promise<T>): Promise<T> {
  const started = performance.now()
  const elapsed = () => `${((performance.now() - started) / 1000).toFixed(1)} s`
  const tty = process.stdout.isTTY
  const timer = tty ? setInterval(() => process.stdout.write(`\r${label} ${elapsed()}`), 250) : null
  if (!tty) console.log(`${label}`)
  try {
    const result = await fn()
    if (tty) process.stdout.write(`\r${label} done in ${elapsed()}\n`)
    else console.log(`${label} done in ${elapsed()}`)
    return result
  } finally {
    if (timer) clearInterval(timer)
  }
}
