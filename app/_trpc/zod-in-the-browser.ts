/**
 * Zod in the browser without `eval`: our Content-Security-Policy has no `'unsafe-eval'`
 * (server/web/security-headers.ts), and zod 4 otherwise probes `new Function` on its first
 * object parse — which the browser reports as a CSP violation even though zod catches the
 * error — and compiles parsers with it. `jitless` parses without either. The server keeps
 * zod's compiled parsers (this module only acts in the browser).
 */
import { z } from 'zod'

if (typeof window !== 'undefined') z.config({ jitless: true })
