/**
 * TLS for the calls our own programs make to the MetaServers' gRPC port (the client library and
 * the minfs CLI, minfs-admin, a DataServer's heartbeats and leader lookups), for clusters whose
 * config.yaml turns tls.grpc on. Only that port has TLS: calls to DataServers stay plaintext.
 *
 * gRPC checks the host dialled against the MetaServer's certificate, so the certificate must name
 * (SAN) every address a client dials: the configured ones and the grpc_addr GetLeader reports.
 */
import * as grpc from '@grpc/grpc-js';

export interface MetaTlsOptions {
  /** PEM CA(s) the MetaServers' certificates must chain to; absent: the system's roots. */
  readonly ca?: Buffer | undefined;
  /** PEM client certificate, for MetaServers with tls.grpc.require_client_cert; goes with `key`. */
  readonly cert?: Buffer | undefined;
  /** PEM private key of `cert`. */
  readonly key?: Buffer | undefined;
}

/** Plaintext without options; TLS (with a client certificate when given) with them. */
export function metaChannelCredentials(tls: MetaTlsOptions | undefined): grpc.ChannelCredentials {
  if (tls === undefined) return grpc.credentials.createInsecure();
  if ((tls.cert === undefined) !== (tls.key === undefined)) throw new TypeError('MetaServer TLS: cert and key go together');
  return grpc.credentials.createSsl(tls.ca ?? null, tls.key ?? null, tls.cert ?? null);
}

/** How the program names its three TLS settings, for hints (e.g. "--ca", or "--meta-ca"). */
export interface TlsSettingNames {
  readonly ca: string;
  readonly cert: string;
  readonly key: string;
}

/**
 * A hint for calls to MetaServers that all failed in a way TLS explains, or '' when none does.
 * grpc-js reports every such failure as UNAVAILABLE with a terse reason; the worst is a plaintext
 * call to a TLS port, which says only "Failed to connect". The patterns are grpc-js's and
 * OpenSSL's texts; a hint only adds to the reasons, which are always shown too.
 */
export function tlsFailureHint(reasons: readonly string[], tls: MetaTlsOptions | undefined, names: TlsSettingNames): string {
  const text = reasons.join('\n');
  const dropped = /Failed to connect/.test(text);
  if (tls === undefined) {
    return dropped ? `if the MetaServers serve TLS (tls.grpc), they drop plaintext calls: give their CA with ${names.ca}` : '';
  }
  if (/wrong version number|packet length too long/i.test(text))
    return `the MetaServer does not serve TLS (tls.grpc is off): leave out ${names.ca}, ${names.cert} and ${names.key}`;
  if (/self[- ]signed certificate|unable to (?:verify|get local issuer)|certificate verify failed/i.test(text))
    return tls.ca === undefined
      ? `the MetaServer's certificate is not signed by a CA this system trusts: give its CA with ${names.ca}`
      : `the MetaServer's certificate is not signed by the CA given (${names.ca})`;
  if (/Hostname\/IP does not match/i.test(text))
    return "the MetaServer's certificate does not name the address dialled (its SAN must list that IP or host name)";
  if (/certificate required/i.test(text) || (dropped && tls.cert === undefined))
    return `the MetaServers require a client certificate (tls.grpc.require_client_cert): give ${names.cert} and ${names.key}`;
  if (dropped) return 'the MetaServers may have refused this client certificate: it must be signed by their tls.grpc.ca_file';
  return '';
}
