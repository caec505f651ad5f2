/**
 * How fast a channel to a MetaServer dials again after losing it. grpc-js's defaults (1 s, then
 * x1.6 up to 120 s) suit a server that is down for a while; a MetaServer restarted by a rolling
 * stop is back within a second and may lead at once, and a caller whose channel to it was still
 * backing off then waited seconds for the new leader (bench:failover saw a 3 s write gap after a
 * handover to a node restarted a moment before). Callers find the leader among several servers
 * anyway, so a failed dial costs little.
 */
import type { ChannelOptions } from '@grpc/grpc-js';

export const META_RECONNECT_OPTIONS: ChannelOptions = {
  'grpc.initial_reconnect_backoff_ms': 100,
  'grpc.max_reconnect_backoff_ms': 1_000,
};
