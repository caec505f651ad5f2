// Original file: proto/metaserver.proto

/**
 * Mixed-case value names exactly as the original (Java compares FileType.File and FileType.Directory).
 */
export const FileType = {
  Unknown: 'Unknown',
  Volume: 'Volume',
  File: 'File',
  Directory: 'Directory',
} as const;

/**
 * Mixed-case value names exactly as the original (Java compares FileType.File and FileType.Directory).
 */
export type FileType =
  | 'Unknown'
  | 0
  | 'Volume'
  | 1
  | 'File'
  | 2
  | 'Directory'
  | 3

/**
 * Mixed-case value names exactly as the original (Java compares FileType.File and FileType.Directory).
 */
export type FileType__Output = typeof FileType[keyof typeof FileType]
