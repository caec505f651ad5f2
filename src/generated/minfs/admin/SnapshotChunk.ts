// Original file: proto/admin.proto


export interface SnapshotChunk {
  'data'?: (Buffer | Uint8Array | string);
}

export interface SnapshotChunk__Output {
  'data': (Buffer);
}
