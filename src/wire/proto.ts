/**
 * Loads the wire contract (proto/*.proto) with the options the generated types in src/generated
 * were made with (scripts/gen-proto.sh): field names as written, 64-bit integers as decimal
 * strings (block and inode ids must not lose precision), enums by name, defaults filled in.
 */
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { loadSync, type Options } from '@grpc/proto-loader';
import type { ProtoGrpcType as MetaProto } from '../generated/metaserver';
import type { ProtoGrpcType as DataProto } from '../generated/dataserver';
import type { ProtoGrpcType as AdminProto } from '../generated/admin';

export const PROTO_LOADER_OPTIONS: Options = { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true };

/** proto/ of the installed tree: this file runs as dist/src/wire/proto.js. */
export const PROTO_DIR = path.resolve(__dirname, '../../../proto');

let loadedMeta: MetaProto | undefined;
let loadedData: DataProto | undefined;

/** The dfs_project package of metaserver.proto (loaded once per process). */
export function metaProto(): MetaProto {
  loadedMeta ??= grpc.loadPackageDefinition(loadSync(path.join(PROTO_DIR, 'metaserver.proto'), { ...PROTO_LOADER_OPTIONS, includeDirs: [PROTO_DIR] })) as unknown as MetaProto;
  return loadedMeta;
}

/** The dfs_project package of dataserver.proto: DataServerService (loaded once per process). */
export function dataProto(): DataProto {
  loadedData ??= grpc.loadPackageDefinition(loadSync(path.join(PROTO_DIR, 'dataserver.proto'), { ...PROTO_LOADER_OPTIONS, includeDirs: [PROTO_DIR] })) as unknown as DataProto;
  return loadedData;
}

let loadedAdmin: AdminProto | undefined;

/** The minfs.admin package of admin.proto: MetaAdmin, the operators' service (loaded once per process). */
export function adminProto(): AdminProto {
  loadedAdmin ??= grpc.loadPackageDefinition(loadSync(path.join(PROTO_DIR, 'admin.proto'), { ...PROTO_LOADER_OPTIONS, includeDirs: [PROTO_DIR] })) as unknown as AdminProto;
  return loadedAdmin;
}
