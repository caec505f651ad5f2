// Original file: proto/dataserver.proto


export interface ReadBlockResponse {
  'chunk_data'?: (Buffer | Uint8Array | string);
}

export interface ReadBlockResponse__Output {
  'chunk_data': (Buffer);
}
