/**
 * An extension of WriteBlock between our client and DataServers (invisible to the existing Java
 * client and Go DataServer): a writer that sends this header ends a whole block with one empty
 * chunk. grpc-js may deliver a cancelled stream's end before its reset, so without the marker a
 * receiver cannot tell a complete block from one cut short.
 */
export const END_MARKER_HEADER = 'x-minfs-end-marker';
export const END_MARKER_VALUE = 'empty-chunk';
