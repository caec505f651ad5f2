// Original file: proto/admin.proto


export interface TakeSnapshotRequest {
}

export interface TakeSnapshotRequest__Output {
}
