# The runtime's container image, on the active LTS (Node 24; Node 20 reached end of life on
# 2026-04-30). The first stage packs the package as npm publish would (compiled JavaScript, no
# TypeScript, no tests); the image installs exactly that with the locked production dependencies.
FROM node:24-bookworm-slim AS pack
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json LICENSE README.md ./
COPY scripts ./scripts
COPY bin ./bin
COPY cli ./cli
COPY runtime ./runtime
COPY connectors ./connectors
COPY sandbox ./sandbox
COPY agent ./agent
COPY schema ./schema
COPY templates ./templates
COPY pipelines ./pipelines
COPY mappings ./mappings
RUN npm pack --pack-destination /tmp \
  && mkdir /app && tar xzf /tmp/ml-connector-*.tgz -C /app --strip-components=1 \
  && cp package-lock.json /app/

FROM node:24-bookworm-slim
ENV NODE_ENV=production \
    ML_CONNECTOR_DATA=/data
WORKDIR /app
COPY --from=pack /app ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force \
  && ln -s /app/bin/ml-connector.mjs /usr/local/bin/ml-connector \
  && mkdir -p /config /data && chown node:node /data
USER node
# /config: the integrator's repository (pipelines/, mappings/), mounted read-only.
# /data: the runtime's state (embedded store, secret store); PostgreSQL instead via --store or
# ML_CONNECTOR_STORE_URL (see deploy/compose.yaml). Secrets: ML_CONNECTOR_SECRET_<NAME> variables,
# files under ML_CONNECTOR_SECRETS_DIR, or the encrypted store with ML_CONNECTOR_MASTER_KEY(_FILE).
VOLUME ["/config", "/data"]
WORKDIR /config
EXPOSE 8080
# Slim images have no curl: Node itself asks serve's liveness endpoint.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8080/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# serve handles SIGTERM (docker stop): webhooks answer 503, the running batch finishes, exit 0.
STOPSIGNAL SIGTERM
ENTRYPOINT ["ml-connector"]
# Any other command runs the same way: docker run --rm -v "$PWD:/config" IMAGE validate --offline pipelines
CMD ["serve", "pipelines", "--host", "0.0.0.0", "--port", "8080"]
