/**
 * Accessors for secrets that are optional at build time but required to serve: a
 * missing one fails the request path with a message naming the variable, never silently.
 */
import { env } from '../env'

export function sessionSecret(): string {
  if (!env.SESSION_SECRET) {
    throw new Error('Invalid environment variables: SESSION_SECRET is required to serve sessions (npm start generates one)')
  }
  return env.SESSION_SECRET
}
