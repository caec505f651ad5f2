export { FileSnapshotStore, SnapshotNotFoundError, type FileOpenedSnapshot, type FileSnapshotStoreOptions } from './file-snapshot-store';
export { FileSnapshotSink } from './file-snapshot-sink';
export { META_FORMAT_VERSION, type FileSnapshotMeta } from './snapshot-meta-file';
