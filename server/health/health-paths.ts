/**
 * Where every process answers its health probes. The web process serves them as Next route
 * handlers (app/api/health/*), the API service and the worker from their own Node servers
 * (health-http.ts); the Kubernetes probes (deploy/k8s) and the edge ask these paths.
 * Requests to them are infrastructure, not shoppers: no rate limit, not in the /ops figures.
 */
export const HEALTH_PATHS = {
  /** 200 while the process serves at all; a failure means "restart me". */
  live: '/api/health/live',
  /** 200 when PostgreSQL, Redis (and the build) answer and the process is not draining; else 503. */
  ready: '/api/health/ready',
} as const

/** Every health path starts with this. */
export const HEALTH_PATH_PREFIX = '/api/health/'
