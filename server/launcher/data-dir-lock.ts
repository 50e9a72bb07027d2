/**
 * One process at a time per embedded database folder: PGlite opens its files directly, and a
 * second PGlite on the same folder would corrupt it. The lock is a file holding the owner's
 * pid, created exclusively; a lock whose process is gone (a crash, kill -9) is taken over.
 * Hand-written because it is one exclusive create and a pid check; a lock library adds
 * nothing here.
 */
import { readFileSync, unlinkSync, writeFileSync } from 'node:fs'

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return error instanceof Error && 'code' in error && error.code === 'EPERM'
  }
}

/** Takes `lockPath` for this process, or throws naming the process that holds it. Returns the release function. */
export function acquireLock(lockPath: string, what: string): () => void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lockPath, `${process.pid}\n`, { flag: 'wx' })
      return () => {
        try {
          if (readFileSync(lockPath, 'utf8').trim() === String(process.pid)) unlinkSync(lockPath)
        } catch {
          // already gone
        }
      }
    } catch (error) {
      if (!(error instanceof Error && 'code' in error && error.code === 'EEXIST')) throw error
      const owner = Number(readFileSync(lockPath, 'utf8').trim())
      if (owner === process.pid) throw new Error(`${what} is already open in this process`)
      if (Number.isInteger(owner) && owner > 0 && isRunning(owner)) {
        throw new Error(`${what} is in use by another process (pid ${owner}): stop it first, or set DATA_DIR to another folder`)
      }
      unlinkSync(lockPath) // stale: its process is gone
    }
  }
  throw new Error(`could not lock ${what} (${lockPath})`)
}
