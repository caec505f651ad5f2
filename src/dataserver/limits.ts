/** Sizes fixed by the minfs contract (compat §2.2, §6) and the gRPC limits that follow from them. */

/** The largest block: the MetaServer allocates and the client cuts files in 4 MiB blocks. */
export const MAX_BLOCK_BYTES = 4 * 1024 * 1024;

/** ReadBlock answers in chunks of this size, as the original DataServer did; WriteBlock clients send the same. */
export const CHUNK_BYTES = 64 * 1024;

/**
 * gRPC message limit of the DataServer's server and its clients. grpc-js's default (4 MiB) would refuse
 * a client that sends a whole 4 MiB block as one chunk (the block plus framing is just over 4 MiB).
 */
export const DATA_MESSAGE_BYTES = 16 * 1024 * 1024;

/** Limit of the MetaServer channel: a heartbeat carries every block id (about 9 bytes each), the reply every command. */
export const META_MESSAGE_BYTES = 256 * 1024 * 1024;
