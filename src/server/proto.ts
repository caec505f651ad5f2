/**
 * Loads the wire contract (proto/*.proto) with the options the generated types in src/generated
 * were made with (scripts/gen-proto.sh): field names as written, 64-bit integers as decimal
 * strings (block and inode ids must not lose precision), enums by name, defaults filled in.
 */
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { loadSync, type Options } from '@grpc/proto-loader';
import type { ProtoGrpcType as MetaProto } from '../generated/metaserver';

export const PROTO_LOADER_OPTIONS: Options = { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true };

/** proto/ of the installed tree: this file runs as dist/src/server/proto.js. */
export const PROTO_DIR = path.resolve(__dirname, '../../../proto');

let loaded: MetaProto | undefined;

/** The dfs_project package (loaded once per process). */
export function metaProto(): MetaProto {
  loaded ??= grpc.loadPackageDefinition(loadSync(path.join(PROTO_DIR, 'metaserver.proto'), { ...PROTO_LOADER_OPTIONS, includeDirs: [PROTO_DIR] })) as unknown as MetaProto;
  return loaded;
}
