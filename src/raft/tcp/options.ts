import { silentLogger, systemRandom, type Logger, type Random } from '../environment';
import { isUnspecifiedHost, parseHostPort, type HostPort } from './address';
import { DEFAULT_BACKOFF, type BackoffOptions } from './backoff';
import { DEFAULT_MAX_FRAME_BYTES } from './frame-codec';
import { resolveTls, type TcpTlsOptions, type TlsSettings } from './tls';

export interface TcpTransportOptions {
  /** `host:port` to listen on; port 0 picks a free port (see `localAddress`). */
  readonly bindAddress: string;
  /** `host:port` peers dial to reach us, sent in the handshake; defaults to the bound address. */
  readonly advertiseAddress?: string;
  /** Peers of another cluster are refused at the handshake. */
  readonly clusterId: string;
  /** Our server id, sent in the handshake (for the peer's logs). */
  readonly localId: string;
  readonly logger?: Logger;
  /** Bound on the bytes queued for one peer and not yet written to its socket. Default 64 MiB. */
  readonly maxQueuedBytesPerPeer?: number;
  /** Largest message accepted or sent (payload bytes). Default 64 MiB. */
  readonly maxFrameBytes?: number;
  /** Default 5000. */
  readonly dialTimeoutMs?: number;
  /** An incoming connection must identify itself within this time. Default 5000. */
  readonly handshakeTimeoutMs?: number;
  /** Reconnect delays. Default 50 ms doubling up to 5 s, with jitter. */
  readonly backoff?: BackoffOptions;
  /** Jitter source; seed it in tests for reproducible delays. */
  readonly random?: Random;
  /** Mutual TLS with every peer (see tls.ts); absent: plain TCP. */
  readonly tls?: TcpTlsOptions;
}

/** The options with defaults applied and addresses parsed. */
export interface TcpTransportSettings {
  readonly bind: HostPort;
  readonly advertiseAddress: string | undefined;
  readonly clusterId: string;
  readonly localId: string;
  readonly logger: Logger;
  readonly maxQueuedBytesPerPeer: number;
  readonly maxFrameBytes: number;
  readonly dialTimeoutMs: number;
  readonly handshakeTimeoutMs: number;
  readonly backoff: BackoffOptions;
  readonly random: Random;
  readonly tls: TlsSettings | undefined;
}

/** Applies defaults and validates; throws TypeError/RangeError on a bad option (a configuration error). */
export function resolveOptions(o: TcpTransportOptions): TcpTransportSettings {
  const bind = parseHostPort(o.bindAddress);
  if (bind === undefined) throw new TypeError(`TcpTransport: bindAddress must be host:port, got ${JSON.stringify(o.bindAddress)}`);
  if (o.advertiseAddress !== undefined) {
    const advertise = parseHostPort(o.advertiseAddress);
    if (advertise === undefined || advertise.port === 0 || isUnspecifiedHost(advertise.host))
      throw new TypeError(`TcpTransport: advertiseAddress must be a dialable host:port, got ${JSON.stringify(o.advertiseAddress)}`);
  } else if (isUnspecifiedHost(bind.host)) {
    // Peers would be told to answer 0.0.0.0, which reaches nobody: fail loudly at startup instead.
    throw new TypeError(`TcpTransport: bindAddress ${o.bindAddress} is not dialable; set advertiseAddress`);
  }
  for (const [name, value] of [
    ['clusterId', o.clusterId],
    ['localId', o.localId],
  ] as const) {
    if (typeof value !== 'string' || value.length === 0) throw new TypeError(`TcpTransport: ${name} must be a non-empty string`);
  }
  const backoff = o.backoff ?? DEFAULT_BACKOFF;
  const settings: TcpTransportSettings = {
    bind,
    advertiseAddress: o.advertiseAddress,
    clusterId: o.clusterId,
    localId: o.localId,
    logger: o.logger ?? silentLogger,
    maxQueuedBytesPerPeer: o.maxQueuedBytesPerPeer ?? 64 * 1024 * 1024,
    maxFrameBytes: o.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES,
    dialTimeoutMs: o.dialTimeoutMs ?? 5000,
    handshakeTimeoutMs: o.handshakeTimeoutMs ?? 5000,
    backoff,
    random: o.random ?? systemRandom,
    tls: o.tls === undefined ? undefined : resolveTls(o.tls),
  };
  positive('maxQueuedBytesPerPeer', settings.maxQueuedBytesPerPeer);
  positive('maxFrameBytes', settings.maxFrameBytes);
  if (settings.maxFrameBytes > 0xffffffff) throw new RangeError('TcpTransport: maxFrameBytes must fit the 32-bit length prefix');
  positive('dialTimeoutMs', settings.dialTimeoutMs);
  positive('handshakeTimeoutMs', settings.handshakeTimeoutMs);
  positive('backoff.initialMs', backoff.initialMs);
  positive('backoff.maxMs', backoff.maxMs);
  if (backoff.maxMs < backoff.initialMs) throw new RangeError('TcpTransport: backoff.maxMs must be >= backoff.initialMs');
  return settings;
}

function positive(name: string, value: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)
    throw new RangeError(`TcpTransport: ${name} must be a positive number, got ${String(value)}`);
}
