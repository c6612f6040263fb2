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
ENV NODE_ENV=production
WORKDIR /app
COPY --from=pack /app ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force \
  && ln -s /app/bin/ml-connector.mjs /usr/local/bin/ml-connector
USER node
# Integrators mount their repository here: docker run --rm -v "$PWD:/work" IMAGE validate --offline
WORKDIR /work
ENTRYPOINT ["ml-connector"]
CMD ["--help"]
