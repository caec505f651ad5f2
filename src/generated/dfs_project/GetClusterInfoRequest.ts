// Original file: proto/metaserver.proto


export interface GetClusterInfoRequest {
}

export interface GetClusterInfoRequest__Output {
}
