// Original file: proto/metaserver.proto


export interface GetLeaderRequest {
}

export interface GetLeaderRequest__Output {
}
