/**
 * TLS for the MetaServer's gRPC port, and the matching credentials for its own calls to other
 * MetaServers (a follower forwarding to the leader). Without options, both stay plaintext.
 *
 * Unlike the Raft port, host names are checked here as gRPC always does: clients dial the address
 * the MetaServer registers (its grpc_addr), so its certificate must name that host (a SAN with the
 * IP or DNS name) for clients anyway, and the forwarder dials the same addresses.
 */
import * as grpc from '@grpc/grpc-js';

export interface GrpcTlsOptions {
  /** PEM certificate (chain allowed) the port shows; also this node's client certificate when it forwards. */
  readonly cert: Buffer;
  /** PEM private key of `cert`. */
  readonly key: Buffer;
  /** PEM CA(s) for client certificates and for the certificates of the MetaServers this one calls; absent: the system's roots. */
  readonly ca?: Buffer | undefined;
  /** Refuse clients without a certificate signed by `ca` (which is then required). */
  readonly requireClientCert?: boolean | undefined;
}

/** The port's credentials: insecure unless TLS is configured. */
export function grpcServerCredentials(tls: GrpcTlsOptions | undefined): grpc.ServerCredentials {
  if (tls === undefined) return grpc.ServerCredentials.createInsecure();
  const requireClientCert = tls.requireClientCert === true;
  // Without a CA, grpc-js would check client certificates against the public roots: never what is meant.
  if (requireClientCert && tls.ca === undefined)
    throw new TypeError('gRPC TLS: requireClientCert needs a ca to verify client certificates with');
  return grpc.ServerCredentials.createSsl(tls.ca ?? null, [{ cert_chain: tls.cert, private_key: tls.key }], requireClientCert);
}

/**
 * Credentials for calls to other MetaServers: TLS when the port has it (every MetaServer of a
 * cluster shares config.yaml's tls section), showing this node's certificate so that a leader
 * requiring client certificates accepts it.
 */
export function grpcPeerCredentials(tls: GrpcTlsOptions | undefined): grpc.ChannelCredentials {
  if (tls === undefined) return grpc.credentials.createInsecure();
  return grpc.credentials.createSsl(tls.ca ?? null, tls.key, tls.cert);
}
