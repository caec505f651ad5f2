/**
 * Mutual TLS between Raft peers. Both ends present a certificate and verify the other's against
 * the cluster CA; a connection whose TLS handshake fails never reaches the Raft handshake.
 *
 * Identity model: a certificate signed by the cluster CA is the credential of a cluster member,
 * so the CA must be dedicated to the cluster (given as `ca`, it replaces Node's built-in public
 * roots: a certificate from any public CA is refused). Host names are not matched: peers are
 * dialled by the ip:port of the Raft configuration, which changes with redeployments, NAT and
 * advertise addresses, and the accepting side cannot match anything at all (the dialler's source
 * port is ephemeral). Matching would only stop one member from posing as another, and a member
 * already holds every power Raft grants (it votes, it can lead); the cluster id is still checked
 * in the Raft handshake after TLS.
 */
import { X509Certificate } from 'node:crypto';
import * as net from 'node:net';
import * as tls from 'node:tls';
import type { HostPort } from './address';

export interface TcpTlsOptions {
  /** PEM of the cluster CA (or several): the only authorities whose certificates are accepted. */
  readonly ca: string | Buffer;
  /** PEM certificate of this node (chain allowed), signed by `ca`: shown when dialling and when accepting. */
  readonly cert: string | Buffer;
  /** PEM private key of `cert`. */
  readonly key: string | Buffer;
}

/** Validated options, with the client context built once rather than per dial. */
export interface TlsSettings {
  readonly options: TcpTlsOptions;
  readonly clientContext: tls.SecureContext;
}

/** Checks the PEMs now, so that a bad file fails at startup rather than at the first connection. */
export function resolveTls(o: TcpTlsOptions): TlsSettings {
  try {
    // createSecureContext silently ignores a `ca` that is no certificate, which would refuse every peer.
    new X509Certificate(o.ca);
  } catch (error) {
    throw new TypeError(`TcpTransport: tls.ca is not a PEM certificate (${errorText(error)})`, { cause: error });
  }
  try {
    // Throws on an unreadable certificate or key, and on a key that does not belong to the certificate.
    return { options: o, clientContext: tls.createSecureContext({ ca: o.ca, cert: o.cert, key: o.key }) };
  } catch (error) {
    throw new TypeError(`TcpTransport: tls.cert / tls.key are not a matching PEM certificate and key (${errorText(error)})`, {
      cause: error,
    });
  }
}

/** A listener that completes a TLS handshake, client certificate required, before handing a socket on. */
export function createTlsServer(settings: TlsSettings, handshakeTimeoutMs: number): tls.Server {
  const { ca, cert, key } = settings.options;
  return tls.createServer({
    ca,
    cert,
    key,
    // Both: ask for the peer's certificate, and fail the handshake when there is none or it
    // does not chain to `ca` (the accepted socket is also checked for `authorized`).
    requestCert: true,
    rejectUnauthorized: true,
    handshakeTimeout: handshakeTimeoutMs,
    noDelay: true,
  });
}

/**
 * Dials `target` over TLS and calls `onReady` once the handshake succeeded and the peer's
 * certificate chains to the cluster CA; on failure the socket emits 'error' then 'close'.
 */
export function connectTls(target: HostPort, settings: TlsSettings, onReady: () => void): tls.TLSSocket {
  const socket = tls.connect({
    host: target.host,
    port: target.port,
    secureContext: settings.clientContext,
    rejectUnauthorized: true,
    // The chain is verified against the cluster CA; the name is not matched (see the file comment).
    checkServerIdentity: () => undefined,
    // An IP address may not be sent as SNI; a host name is, harmlessly.
    ...(net.isIP(target.host) === 0 ? { servername: target.host } : {}),
  });
  // tls.connect's typings lack noDelay; set on the connected TCP socket, as the plain dialler does.
  socket.once('connect', () => socket.setNoDelay(true));
  socket.once('secureConnect', () => {
    if (socket.authorized) onReady();
    else socket.destroy(new Error(`peer certificate refused: ${String(socket.authorizationError)}`));
  });
  return socket;
}

/** `code: message` of a TLS error, for logs. */
export function tlsErrorText(error: Error): string {
  const code = (error as NodeJS.ErrnoException).code;
  return code === undefined ? error.message : `${code}: ${error.message}`;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
