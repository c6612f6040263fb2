# The runtime's container image. Node 22 (Node 20 reached end of life on 2026-04-30; the code keeps
# working on 20.18+ for machines that still have it). TypeScript runs through tsx: no build step.
FROM node:22-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY bin ./bin
COPY cli ./cli
COPY runtime ./runtime
COPY connectors ./connectors
COPY schema ./schema
COPY sandbox ./sandbox
COPY agent ./agent
COPY pipelines ./pipelines
COPY mappings ./mappings
USER node
ENTRYPOINT ["node", "bin/ml-connector.mjs"]
CMD ["--help"]
