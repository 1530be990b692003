# syntax=docker/dockerfile:1
# Build stage: compilers for better-sqlite3's native module, which are not wanted at run time.
FROM node:20-bookworm-slim AS build
WORKDIR /app
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
# tsx is a runtime dependency (the sources run as TypeScript), so --omit=dev keeps everything needed.
RUN npm ci --omit=dev && npm cache clean --force
COPY tsconfig.json ./
COPY bin ./bin
COPY src ./src
COPY commands ./commands
COPY data ./data

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app /app
# Documents and the SQLite database (DATA_DIR/.dossier/dossier.db) live in /app/data: the only writable path.
RUN chown -R node:node /app/data
USER node
VOLUME ["/app/data"]
# Node directly, not `npm start`: npm does not forward SIGTERM, and the graceful shutdown depends on it.
# --initial-old-space-size: a large library's index lands on the main thread as ~200 MB of heap within a
# second; from V8's default small start the heap grows by repeated full collections, some pausing 50-100 ms
# (its concurrent marker gets no CPU while the build worker and the hand-over use both cores).
CMD ["node", "--initial-old-space-size=320", "--import", "tsx", "src/main.ts"]
