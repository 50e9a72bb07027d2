/**
 * The house rules for imports, checked by dependency-cruiser in `npm run lint` (and by
 * testing/boundary-rules.test.ts, which breaks each rule on purpose and expects its name).
 *
 * Arrows point one way: app → server/trpc → server/<domain> → server/platform.
 * A domain may call another domain's service, never its repository; only repositories
 * speak SQL; shipped code never reaches into the benches or the test harness.
 *
 * Which modules a 'use client' component may import from server/ is an ESLint rule
 * (eslint.config.mjs, `local/client-imports`): only ESLint sees the directive. The list of
 * client-safe modules is read from this file's `schema-client-safe` rule (CLIENT_SAFE below).
 */

/**
 * Server modules a browser bundle may contain: zod schemas, two constant tables, the money
 * formatter (Intl only), and the waiting room's warning thresholds (constants and a pure
 * function: /ops and the alert rules share them).
 */
const CLIENT_SAFE = ['\\.schema\\.ts$', '^server/checkout/money\\.ts$', '^server/ops/runbook-sections\\.ts$', '^server/trpc/batch-limit\\.ts$', '^server/ops/waiting-room-alerts\\.ts$']

/**
 * The modules that may import server/platform/db.ts besides the repositories, by name:
 * each owns a connection pool's life (creates, ends it) or is the unit of work.
 */
const POOL_OWNERS = [
  // the unit of work: services open transactions here and hand the client to repositories
  '^server/platform/transaction\\.ts$',
  // the read replica's router: wraps the primary client with the replica extension and falls back to it
  '^server/platform/read-replica\\.ts$',
  // the payment worker process: ends the pool on shutdown
  '^server/orders/worker-main\\.ts$',
  // `npm run db:seed` (and the launcher's seed step): its own Prisma client per database
  '^prisma/seed\\.ts$',
  // the launcher behind `npm start`: runs migrations and seeds on pools it opens and closes
  '^server/launcher/',
  // the shared test harness: scratch databases it creates and drops
  '^testing/',
  // benchmarks: contenders in their own processes, on the bench database
  '^bench/',
  // tests may look at the database to check what a user or operator would notice
  '\\.test\\.ts$',
]

/** Code that ships: what `npm start`, the store, the worker and the API run. */
const SHIPPED = '^(app|server|prisma)/'
const TESTS = '\\.test\\.ts$'

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment:
        'An import cycle makes load order decide behaviour (a value is undefined while its module is still loading) ' +
        'and means two modules are really one. Break it by moving the shared piece down a layer.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'app-no-repo-or-db',
      comment:
        'app/ renders; data comes through tRPC procedures or the server caller, which go through services. ' +
        'A page that queries a repository or the database skips validation, caching and rate limits.',
      severity: 'error',
      from: { path: '^app/' },
      to: { path: ['\\.repo\\.ts$', '^server/platform/db\\.ts$', '^server/platform/transaction\\.ts$'] },
    },
    {
      name: 'only-repos-import-db',
      comment:
        'Repositories (*.repo.ts) are the only users of the database, so every statement has one home and one owner. ' +
        'Services open transactions through platform/transaction.ts and pass the client to repositories. ' +
        'The other importers allowed are the pool owners listed by name in POOL_OWNERS.',
      severity: 'error',
      from: { pathNot: ['\\.repo\\.ts$', ...POOL_OWNERS] },
      to: { path: '^server/platform/db\\.ts$' },
    },
    {
      name: 'no-cross-domain-repo',
      comment:
        "A domain calls another domain's service, never its repository: the owning service keeps its invariants " +
        '(stock never below zero, one payment job per order) in one place.',
      severity: 'error',
      from: { path: '^server/([^/]+)/' },
      to: { path: '^server/[^/]+/[^/]+\\.repo\\.ts$', pathNot: '^server/$1/' },
    },
    {
      name: 'platform-no-domain',
      comment:
        'server/platform is the cross-cutting floor (db, redis, cache, limits, flags, metrics): it imports no domain, ' +
        'no tRPC and no launcher, so every layer above can use it without a cycle. (Its tests may use the harness ' +
        'and the launcher helpers, e.g. a free port for a dead gateway.)',
      severity: 'error',
      from: { path: '^server/platform/', pathNot: TESTS },
      to: { path: ['^server/(?!platform/|generated/|env\\.ts$)', 'node_modules/@trpc/'] },
    },
    {
      name: 'not-to-app',
      comment: 'Nothing imports from app/ except app/: the server never depends on how it is rendered.',
      severity: 'error',
      from: { pathNot: '^app/' },
      to: { path: '^app/' },
    },
    {
      name: 'schema-client-safe',
      comment:
        'A *.schema.ts file is bundled for the browser (forms validate with the server zod): it imports zod and other ' +
        'client-safe modules only, never a service, a repository, platform or env.',
      severity: 'error',
      from: { path: '\\.schema\\.ts$' },
      to: { path: '^server/', pathNot: CLIENT_SAFE },
    },
    {
      name: 'shipped-no-bench-or-harness',
      comment:
        'bench/ and testing/ are not shipped: the store, the worker and the launcher must run without them ' +
        '(tests beside the code may use the harness).',
      severity: 'error',
      from: { path: SHIPPED, pathNot: TESTS },
      to: { path: '^(bench|testing)/' },
    },
    {
      name: 'domain-no-launcher',
      comment:
        'The launcher starts the app; the app never starts itself. A domain or platform module that imports the launcher ' +
        'would drag the embedded database and process control into every request path.',
      severity: 'error',
      from: { path: '^server/(?!launcher/)', pathNot: TESTS },
      to: { path: '^server/launcher/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|server/generated|\\.next[^/]*|\\.tools|e2e/reports|test-results)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.mjs', '.cjs', '.js', '.d.ts'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
}
