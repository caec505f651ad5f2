/** Thrown by `decodeMessage` for any input that is not a well-formed encoded message. */
export class MessageDecodeError extends Error {
  constructor(
    message: string,
    /** Byte offset where decoding failed. */
    readonly offset: number,
  ) {
    super(message);
    this.name = 'MessageDecodeError';
  }
}
