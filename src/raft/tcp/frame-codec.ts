/**
 * Length-prefixed framing over a TCP byte stream: each frame is a 4-byte big-endian payload
 * length followed by the payload. The length is checked against a maximum before anything is
 * buffered, so a garbage or hostile prefix cannot make us allocate gigabytes.
 */

export const FRAME_HEADER_BYTES = 4;
/** Default largest payload accepted; larger than any sane AppendEntries batch. */
export const DEFAULT_MAX_FRAME_BYTES = 64 * 1024 * 1024;

/** Thrown by `FrameDecoder.push` when a length prefix exceeds the decoder's limit. */
export class FrameTooLargeError extends Error {
  constructor(
    readonly length: number,
    readonly limit: number,
  ) {
    super(`frame length ${length} exceeds the limit of ${limit} bytes`);
    this.name = 'FrameTooLargeError';
  }
}

/** A frame's payload: one buffer, or consecutive pieces of it (written out without joining them). */
export type FramePayload = Uint8Array | readonly Uint8Array[];

/** Bytes of a payload, without the header. */
export function payloadBytes(payload: FramePayload): number {
  if (payload instanceof Uint8Array) return payload.byteLength;
  let total = 0;
  for (const part of payload) total += part.byteLength;
  return total;
}

/** Bytes a payload occupies on the wire. */
export function frameBytes(payload: FramePayload): number {
  return FRAME_HEADER_BYTES + payloadBytes(payload);
}

/** Writes the header and `payload` into `out` at `offset`; returns the offset after them. */
export function writeFrame(out: Buffer, offset: number, payload: FramePayload): number {
  out.writeUInt32BE(payloadBytes(payload), offset);
  let at = offset + FRAME_HEADER_BYTES;
  for (const part of payload instanceof Uint8Array ? [payload] : payload) {
    out.set(part, at);
    at += part.byteLength;
  }
  return at;
}

/** One frame as a fresh buffer (for the handshake and tests; the send path batches with writeFrame). */
export function encodeFrame(payload: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(frameBytes(payload));
  writeFrame(out, 0, payload);
  return out;
}

/**
 * Splits a byte stream into frame payloads. Payloads that lie within one incoming chunk are
 * views of it (no copy); a frame split across chunks is assembled once, when complete, so a
 * large frame arriving in many small chunks costs one copy rather than one per chunk.
 */
export class FrameDecoder {
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** Bytes that must be buffered before parsing can make progress: a header, or a whole frame. */
  private needed = FRAME_HEADER_BYTES;

  /** The limit may be raised once the peer is trusted (after the handshake). */
  constructor(public maxFrameBytes: number) {}

  /**
   * Feeds `chunk`, calling `onFrame` for each completed payload in order; `onFrame` returns false
   * to stop (the connection is going away), and the rest of the input is then ignored.
   * Throws FrameTooLargeError on an oversized length prefix; the stream is unusable afterwards.
   */
  push(chunk: Buffer, onFrame: (payload: Buffer) => boolean): void {
    let pos = 0;
    if (this.buffered > 0) {
      pos = this.completePending(chunk);
      if (pos < 0) return; // still incomplete: all of chunk is held
      const frame = Buffer.concat(this.chunks, this.buffered);
      this.chunks = [];
      this.buffered = 0;
      this.needed = FRAME_HEADER_BYTES;
      if (!onFrame(frame.subarray(FRAME_HEADER_BYTES))) return;
    }
    while (chunk.byteLength - pos >= FRAME_HEADER_BYTES) {
      const length = this.checkedLength(chunk, pos);
      const end = pos + FRAME_HEADER_BYTES + length;
      if (end > chunk.byteLength) {
        this.needed = FRAME_HEADER_BYTES + length;
        break;
      }
      const payload = chunk.subarray(pos + FRAME_HEADER_BYTES, end);
      pos = end;
      if (!onFrame(payload)) return;
    }
    if (pos < chunk.byteLength) {
      this.chunks.push(chunk.subarray(pos));
      this.buffered = chunk.byteLength - pos;
    }
  }

  /**
   * Moves just the bytes the pending frame lacks from `chunk` into `chunks`, so that only the
   * frame straddling two chunks is copied, not the chunk after it. Returns the offset in `chunk`
   * after the completed frame, or -1 when `chunk` was not enough (and is now held entirely).
   */
  private completePending(chunk: Buffer): number {
    let pos = 0;
    for (;;) {
      const missing = this.needed - this.buffered;
      if (chunk.byteLength - pos < missing) {
        this.chunks.push(chunk.subarray(pos));
        this.buffered += chunk.byteLength - pos;
        return -1;
      }
      this.chunks.push(chunk.subarray(pos, pos + missing));
      this.buffered += missing;
      pos += missing;
      if (this.needed > FRAME_HEADER_BYTES) return pos;
      // Only the header was pending: now its length says how much of the frame is missing.
      const header = Buffer.concat(this.chunks, this.buffered);
      this.chunks = [header];
      this.needed = FRAME_HEADER_BYTES + this.checkedLength(header, 0);
      if (this.needed === FRAME_HEADER_BYTES) return pos; // an empty payload is already complete
    }
  }

  private checkedLength(buf: Buffer, pos: number): number {
    const length = buf.readUInt32BE(pos);
    if (length > this.maxFrameBytes) throw new FrameTooLargeError(length, this.maxFrameBytes);
    return length;
  }

  /** Bytes held for an incomplete frame. */
  get pendingBytes(): number {
    return this.buffered;
  }
}
