/** What `purevit serve` exposes on /metrics. */

import type { ErrorKind } from './http-error.js';
import { Counter, Gauge, Histogram, Registry } from './prometheus.js';

/** Which endpoint answered: a fixed set, so an attacker's paths never become series. */
export type RouteName = 'hf' | 'v2_infer' | 'v2_metadata' | 'health' | 'metrics' | 'unknown';

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const BATCH_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128];

export interface QueueState {
  /** Images waiting for a forward pass. */
  queuedImages(): number;
  /** Images in the forward pass running now. */
  runningImages(): number;
}

export class ServerMetrics {
  readonly registry = new Registry();
  readonly requests = this.registry.add(new Counter('purevit_http_requests_total', 'HTTP requests answered, by endpoint and status code.', ['route', 'code']));
  readonly latency = this.registry.add(
    new Histogram('purevit_http_request_duration_seconds', 'Time from the request to the end of its response, by endpoint.', LATENCY_BUCKETS, ['route']),
  );
  readonly errors = this.registry.add(new Counter('purevit_errors_total', 'Requests that failed, by reason.', ['kind']));
  readonly images = this.registry.add(new Counter('purevit_images_total', 'Images run through the model.'));
  readonly batches = this.registry.add(new Histogram('purevit_batch_size', 'Images per forward pass (dynamic batching merges concurrent requests).', BATCH_BUCKETS));
  readonly forwardTime = this.registry.add(new Histogram('purevit_forward_duration_seconds', 'Time of one batched forward pass.', LATENCY_BUCKETS));
  readonly queueWait = this.registry.add(new Histogram('purevit_queue_wait_seconds', 'Time a request waited in the queue before its forward pass.', LATENCY_BUCKETS));

  constructor(queue: QueueState, inFlight: () => number, ready: () => boolean) {
    const started = Date.now() / 1000 - process.uptime();
    this.registry.add(new Gauge('purevit_queue_depth', 'Images waiting for a forward pass.', () => queue.queuedImages()));
    this.registry.add(new Gauge('purevit_running_images', 'Images in the forward pass running now.', () => queue.runningImages()));
    this.registry.add(new Gauge('purevit_in_flight_requests', 'Requests received and not yet answered.', inFlight));
    this.registry.add(new Gauge('purevit_model_ready', '1 when the model is loaded and the server accepts inference requests.', () => (ready() ? 1 : 0)));
    this.registry.add(new Gauge('process_resident_memory_bytes', 'Resident memory size in bytes.', () => process.memoryUsage.rss()));
    this.registry.add(new Gauge('nodejs_heap_size_used_bytes', 'V8 heap in use, in bytes.', () => process.memoryUsage().heapUsed));
    this.registry.add(new Gauge('process_start_time_seconds', 'Start time of the process since the Unix epoch, in seconds.', () => started));
  }

  answered(route: RouteName, status: number, seconds: number, errorKind?: ErrorKind): void {
    this.requests.inc({ route, code: String(status) });
    this.latency.observe(seconds, { route });
    if (errorKind) this.errors.inc({ kind: errorKind });
  }
}
