/** Where the embedded-mode store listens (fixed so the config can name its baseURL before setup runs). */
export const EMBEDDED_PORT = Number(process.env.E2E_EMBEDDED_PORT ?? 3300)
export const EMBEDDED_BASE_URL = `http://127.0.0.1:${EMBEDDED_PORT}`
/** The launcher's state for this suite: inside the gitignored .data/, removed before and after each run. */
export const EMBEDDED_DATA_DIR = '.data/e2e-embedded'
/** Its own build directory, so it never clobbers `npm start`'s or the other suites' builds. */
export const EMBEDDED_DIST_DIR = '.next-embedded'
