// Original file: proto/admin.proto


export interface CheckpointRequest {
}

export interface CheckpointRequest__Output {
}
