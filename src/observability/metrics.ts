import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Every Prometheus metric the process exposes, on one registry of its own (not
 * prom-client's global one, so tests and embedders never collide). Recording
 * is always on and costs next to nothing; the registry is only read when
 * HEALTH_PORT serves /metrics.
 */
export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'dossier_' });

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

const interactions = new Counter({
  name: 'dossier_interactions_total',
  help: 'Interactions handled, by command and outcome (ok; refused: no permission; rejected: input the bot cannot act on; cooldown; loading: the library was not loaded yet; error; shutting_down).',
  labelNames: ['command', 'outcome'] as const,
  registers: [registry],
});

const interactionSeconds = new Histogram({
  name: 'dossier_interaction_duration_seconds',
  help: 'Time from receiving an interaction to its final answer, by kind (command, autocomplete, button).',
  labelNames: ['kind'] as const,
  buckets: LATENCY_BUCKETS,
  registers: [registry],
});

const searchSeconds = new Histogram({
  name: 'dossier_search_duration_seconds',
  help: 'Time spent ranking passages for one search.',
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
  registers: [registry],
});

// Read at scrape time, so a library swapped by ingestion is reported without anyone remembering to.
let indexSource: (() => { documents: number; points: number }) | undefined;
new Gauge({
  name: 'dossier_index_documents',
  help: 'Documents in the loaded library.',
  registers: [registry],
  collect() {
    if (indexSource) this.set(indexSource().documents);
  },
});
new Gauge({
  name: 'dossier_index_points',
  help: 'Quotable points (paragraphs and sentences) in the loaded library.',
  registers: [registry],
  collect() {
    if (indexSource) this.set(indexSource().points);
  },
});

let serversSource: (() => { loaded: number; bytes: number }) | undefined;
new Gauge({
  name: 'dossier_server_libraries_loaded',
  help: 'Servers whose own library is loaded (the rest load on their next command).',
  registers: [registry],
  collect() {
    if (serversSource) this.set(serversSource().loaded);
  },
});
new Gauge({
  name: 'dossier_server_libraries_bytes',
  help: 'Estimated memory the loaded servers’ libraries hold beyond the shared one (kept under TEAM_MEMORY_MB).',
  registers: [registry],
  collect() {
    if (serversSource) this.set(serversSource().bytes);
  },
});

const digests = new Counter({
  name: 'dossier_digest_outcomes_total',
  help: 'Scheduled briefs, by outcome (posted, skipped, failed, …).',
  labelNames: ['outcome'] as const,
  registers: [registry],
});

const reconnects = new Counter({
  name: 'dossier_gateway_reconnects_total',
  help: 'Gateway reconnect attempts and resumes, by event (reconnecting, resumed).',
  labelNames: ['event'] as const,
  registers: [registry],
});

export function recordInteraction(command: string, outcome: string, kind: 'command' | 'autocomplete' | 'button', seconds: number): void {
  interactions.inc({ command, outcome });
  interactionSeconds.observe({ kind }, seconds);
}

export function recordSearch(seconds: number): void {
  searchSeconds.observe(seconds);
}

export function trackIndexSize(size: () => { documents: number; points: number }): void {
  indexSource = size;
}

export function trackServerLibraries(stats: () => { loaded: number; bytes: number }): void {
  serversSource = stats;
}

/** For the daily-brief scheduler: one call per scheduled run. */
export function recordDigest(outcome: string): void {
  digests.inc({ outcome });
}

export function recordReconnect(event: 'reconnecting' | 'resumed'): void {
  reconnects.inc({ event });
}
