/**
 * The MetaServer's etcd connection settings, in one place: endpoints (a bare host:port gets the
 * scheme TLS implies), TLS, user/password, the dial and per-call timeout. The registration and the
 * DataServer discovery each open one client with them.
 */
import type { ChannelOptions } from '@grpc/grpc-js';
import { Etcd3 } from 'etcd3';

/** TLS to etcd: its server certificate is verified with `ca`; `cert` and `key` are a client certificate, when etcd asks for one. */
export interface EtcdTlsOptions {
  readonly ca: Buffer;
  readonly cert?: Buffer | undefined;
  readonly key?: Buffer | undefined;
}

export interface EtcdConnection {
  /** "host:port" or URLs of etcd's client endpoints. */
  readonly endpoints: readonly string[];
  readonly username?: string | undefined;
  readonly password?: string | undefined;
  /** Absent: plaintext (unless an endpoint is an https:// URL: then TLS with the system's roots). */
  readonly tls?: EtcdTlsOptions | undefined;
  /** Dial and per-call timeout. */
  readonly timeoutMs: number;
}

export function etcdClient(connection: EtcdConnection, grpcOptions?: ChannelOptions): Etcd3 {
  const { tls, timeoutMs, username, password } = connection;
  const scheme = tls === undefined ? 'http' : 'https';
  return new Etcd3({
    hosts: connection.endpoints.map((e) => (/^https?:\/\//.test(e) ? e : `${scheme}://${e}`)),
    // etcd3 then uses TLS on every endpoint, whatever its scheme says.
    ...(tls !== undefined ? { credentials: { rootCertificate: tls.ca, privateKey: tls.key, certChain: tls.cert } } : {}),
    dialTimeout: timeoutMs,
    defaultCallOptions: (context) => (context.isStream ? {} : { deadline: Date.now() + timeoutMs }),
    ...(grpcOptions === undefined ? {} : { grpcOptions }),
    ...(username !== undefined ? { auth: { username, password: password ?? '' } } : {}),
  });
}
