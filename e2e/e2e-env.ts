/** Where the e2e store listens; fixed so the config can name its baseURL before setup runs. */
export const E2E_PORT = Number(process.env.E2E_PORT ?? 3100)
export const E2E_BASE_URL = `http://127.0.0.1:${E2E_PORT}`
