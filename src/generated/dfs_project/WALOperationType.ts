// Original file: proto/metaserver.proto

export const WALOperationType = {
  CREATE_NODE: 'CREATE_NODE',
  DELETE_NODE: 'DELETE_NODE',
  UPDATE_NODE: 'UPDATE_NODE',
  FINALIZE_WRITE: 'FINALIZE_WRITE',
  UPDATE_BLOCK_LOCATION: 'UPDATE_BLOCK_LOCATION',
  SET_BLOCK_MAPPING: 'SET_BLOCK_MAPPING',
} as const;

export type WALOperationType =
  | 'CREATE_NODE'
  | 0
  | 'DELETE_NODE'
  | 1
  | 'UPDATE_NODE'
  | 2
  | 'FINALIZE_WRITE'
  | 3
  | 'UPDATE_BLOCK_LOCATION'
  | 4
  | 'SET_BLOCK_MAPPING'
  | 5

export type WALOperationType__Output = typeof WALOperationType[keyof typeof WALOperationType]
