/** Public surface of the linearizability checker. */
export { checkLinearizable, type CheckOptions, type CheckResult } from './checker';
export { describeOperation } from './explain';
export { type ClientId, type History, HistoryRecorder, isOutcomeUnknown, type Operation } from './history';
export { type Model, partitionByKey, type StepResult } from './model';
export * from './models/kv-register';
export * from './models/namespace';
