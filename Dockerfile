# syntax=docker/dockerfile:1.7
#
# One image, three roles (docs/DEPLOY.md):
#   web     node server/web/web-start.mjs                 (the default command; port 3000)
#   api     node --import tsx server/api/api-main.ts      (port 3001)
#   worker  node --import tsx server/orders/worker-main.ts (metrics and health on WORKER_METRICS_PORT)
#   migrate node --import tsx prisma/migrate.ts            (once per rollout, deploy/k8s/migrate-job.yaml)
#
# Why not Next's `output: 'standalone'`: the web role runs Next through our own HTTP server
# (client identity and security headers come before Next, server/web/web-server.ts), which needs
# the `next` package itself; standalone's server.js would bypass it. So the runtime stage holds
# the production dependencies and the `.next` build, and `next start` is never used.
#
# `next build` pre-renders the home page and the doorbusters from the catalog, so the build
# stage must reach a PostgreSQL with the catalog and the Redis the fleet uses. Pass their
# settings as a BuildKit secret (never a build argument: those stay in the image's history):
#   docker build --secret id=build-env,src=build.env -t registry.example.com/peak-storefront:1.0.0 .
# where build.env holds DATABASE_URL=…, UPSTASH_REDIS_REST_URL=…, UPSTASH_REDIS_REST_TOKEN=…,
# REDIS_KEY_PREFIX=… (the fleet's own).

ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# No dependency needs an install script (package.json allowScripts); the Prisma client is generated below.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
# `prisma generate` does not need the native schema engine (migrations use its WebAssembly build).
RUN PRISMA_SCHEMA_ENGINE_BINARY=/bin/false npx prisma generate
RUN --mount=type=secret,id=build-env,required=true \
    set -a && . /run/secrets/build-env && set +a && npx next build

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --chown=node:node . .
COPY --from=build --chown=node:node /app/server/generated ./server/generated
COPY --from=build --chown=node:node /app/.next ./.next
# uid 1000, as the Kubernetes recipes' runAsUser expects.
USER node
EXPOSE 3000 3001 9464
CMD ["node", "server/web/web-start.mjs"]
