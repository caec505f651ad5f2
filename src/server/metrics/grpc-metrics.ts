/**
 * gRPC server metrics in go-grpc-prometheus's shape: calls handled per method and status code, and
 * handling time per method. Recorded by wrapping the service's handler map where it is registered
 * (instrumentService), so no method can be left out and the cost is one clock read at each end of
 * a call plus one counter and one histogram update; no interceptor object per call.
 */
import * as grpc from '@grpc/grpc-js';
import { Counter, Histogram, type Registry } from 'prom-client';
import type { Clock } from '../../raft';

/**
 * Seconds, from 100 µs (a read served from LMDB) to 10 s (a deadline): the Prometheus default
 * buckets start at 5 ms, where most of our calls have long finished.
 */
export const LATENCY_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** The status grpc-js sends for what a handler failed with (its serverErrorToStatus rule). */
export function statusOf(error: unknown): number {
  if (error === null || error === undefined) return grpc.status.OK;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'number' && Number.isInteger(code) ? code : grpc.status.UNKNOWN;
}

/** One method's series, bound once: the hot path does no label work of its own. */
export class MethodRecorder {
  private readonly byCode = new Map<number, Counter.Internal>();

  constructor(
    private readonly method: string,
    private readonly handled: Counter<'method' | 'code'>,
    private readonly seconds: Histogram.Internal<'method'>,
    private readonly clock: Clock,
  ) {
    // Every method shows from the start (at 0), so rate() has a series before the first call.
    const ok = handled.labels(method, 'OK');
    ok.inc(0);
    this.byCode.set(grpc.status.OK, ok);
  }

  now(): number {
    return this.clock.now();
  }

  /** One call that began at `startMs` (this recorder's clock) ended with status `code`. */
  done(startMs: number, code: number): void {
    this.seconds.observe((this.clock.now() - startMs) / 1000);
    let counter = this.byCode.get(code);
    if (counter === undefined) {
      counter = this.handled.labels(this.method, grpc.status[code] ?? String(code));
      this.byCode.set(code, counter);
    }
    counter.inc();
  }
}

export class GrpcServerMetrics {
  private readonly handled: Counter<'method' | 'code'>;
  private readonly seconds: Histogram<'method'>;

  constructor(
    registry: Registry,
    private readonly clock: Clock,
  ) {
    this.handled = new Counter({
      name: 'minfs_grpc_server_handled_total',
      help: 'gRPC calls answered by this node, by method and status code (the handler outcome; a forwarded call counts here and at the leader).',
      labelNames: ['method', 'code'],
      registers: [registry],
    });
    this.seconds = new Histogram({
      name: 'minfs_grpc_server_handling_seconds',
      help: 'Time from a gRPC call reaching its handler to its answer, by method (forwarding to the leader included).',
      labelNames: ['method'],
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    });
  }

  method(name: string): MethodRecorder {
    this.seconds.zero({ method: name });
    return new MethodRecorder(name, this.handled, this.seconds.labels(name), this.clock);
  }
}

type Callback = grpc.sendUnaryData<unknown>;
/** Unary and client-streaming handlers: they answer through a callback. */
type CallbackHandler = (call: unknown, callback: Callback) => void;
/** Server-streaming and bidi handlers: they answer by ending the call or emitting an error on it. */
type StreamHandler = (call: grpc.ServerWritableStream<unknown, unknown>) => void;

function wrapCallback(handler: CallbackHandler, recorder: MethodRecorder): CallbackHandler {
  return (call, callback) => {
    const start = recorder.now();
    handler(call, (error, value, trailer, flags) => {
      recorder.done(start, statusOf(error));
      callback(error, value, trailer, flags);
    });
  };
}

function wrapStream(handler: StreamHandler, recorder: MethodRecorder): StreamHandler {
  return (call) => {
    const start = recorder.now();
    let code: number = grpc.status.OK;
    let recorded = false;
    const record = (final: number): void => {
      if (recorded) return;
      recorded = true;
      recorder.done(start, final);
    };
    // grpc-js turns an 'error' on the call into the status and ends the call, and 'finish'
    // follows the status it sends. 'cancelled' comes after that too (once the HTTP/2 stream
    // closes), so it counts only when the call never finished: the client went away.
    call.on('error', (error: unknown) => (code = statusOf(error)));
    call.once('finish', () => record(code));
    call.once('cancelled', () => record(grpc.status.CANCELLED));
    handler(call);
  };
}

/** The handler map with every method recorded in `metrics`; the definition tells streaming ones apart. */
export function instrumentService<H extends grpc.UntypedServiceImplementation>(
  definition: grpc.ServiceDefinition,
  handlers: H,
  metrics: GrpcServerMetrics,
): H {
  const wrapped: grpc.UntypedServiceImplementation = {};
  for (const [name, handler] of Object.entries(handlers)) {
    const recorder = metrics.method(name);
    wrapped[name] = (
      definition[name]?.responseStream
        ? wrapStream(handler as unknown as StreamHandler, recorder)
        : wrapCallback(handler as unknown as CallbackHandler, recorder)
    ) as grpc.UntypedHandleCall;
  }
  return wrapped as H;
}
