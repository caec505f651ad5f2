/** Counters of a TcpTransport since it started listening. */
export interface TcpTransportStats {
  /** Message frames handed to a socket (handshakes excluded). */
  framesSent: number;
  /** Message frames received and decoded (handshakes excluded). */
  framesReceived: number;
  /** Bytes handed to sockets, including frame headers and handshakes. */
  bytesSent: number;
  /** Bytes read from sockets, including ones that turned out to be garbage. */
  bytesReceived: number;
  /** Messages not sent: queue over its byte bound, unencodable, too large, no valid address, or transport closed;
   * also messages that arrived before a handler was set. Messages lost inside a dying socket are not known, so not counted. */
  dropped: number;
  /** Frames after the handshake that failed to decode (the connection was closed). */
  undecodable: number;
  /** Frames whose length prefix exceeded the maximum frame size (the connection was closed). */
  oversizedFrames: number;
  /** Incoming connections refused at the handshake: bad bytes, another cluster, or none in time. */
  handshakeRejected: number;
  /** Incoming connections refused in the TLS handshake (TLS configured): no client certificate, one not
   * signed by the cluster CA, or not TLS at all. */
  tlsRejected: number;
  /** Exceptions thrown by the message handler (caught and logged). */
  handlerErrors: number;
  /** Dial attempts after an earlier connection or attempt to the same peer failed or closed. */
  reconnects: number;
  /** Sockets currently open, incoming and outgoing. */
  connectionsOpen: number;
}

export function emptyStats(): TcpTransportStats {
  return {
    framesSent: 0,
    framesReceived: 0,
    bytesSent: 0,
    bytesReceived: 0,
    dropped: 0,
    undecodable: 0,
    oversizedFrames: 0,
    handshakeRejected: 0,
    tlsRejected: 0,
    handlerErrors: 0,
    reconnects: 0,
    connectionsOpen: 0,
  };
}
