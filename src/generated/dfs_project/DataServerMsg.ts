// Original file: proto/metaserver.proto


export interface DataServerMsg {
  'host'?: (string);
  'port'?: (number);
  'fileTotal'?: (number);
  /**
   * MB
   */
  'capacity'?: (number);
  /**
   * MB
   */
  'useCapacity'?: (number);
}

export interface DataServerMsg__Output {
  'host': (string);
  'port': (number);
  'fileTotal': (number);
  /**
   * MB
   */
  'capacity': (number);
  /**
   * MB
   */
  'useCapacity': (number);
}
