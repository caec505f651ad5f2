// Original file: proto/admin.proto


export interface ImportNode {
  'path'?: (string);
  /**
   * A directory; otherwise an empty file.
   */
  'directory'?: (boolean);
}

export interface ImportNode__Output {
  'path': (string);
  /**
   * A directory; otherwise an empty file.
   */
  'directory': (boolean);
}
