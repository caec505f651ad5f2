// Original file: proto/metaserver.proto


export interface ListDirectoryRequest {
  'path'?: (string);
  /**
   * minfs-metaserver extension, invisible to the existing client: page size (0 = everything).
   */
  'page_size'?: (number);
  /**
   * minfs-metaserver extension, invisible to the existing client: next_page_token of the previous page.
   */
  'page_token'?: (string);
}

export interface ListDirectoryRequest__Output {
  'path': (string);
  /**
   * minfs-metaserver extension, invisible to the existing client: page size (0 = everything).
   */
  'page_size': (number);
  /**
   * minfs-metaserver extension, invisible to the existing client: next_page_token of the previous page.
   */
  'page_token': (string);
}
