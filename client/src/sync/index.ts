export { SyncEngine, type SyncEngineOptions, type SyncReport, type SyncState } from './engine'
export { createFetchTransport, type FetchTransportOptions, type SyncTransport } from './transport'
export { startSyncLoop, type LoopEngine, type SyncLoopHandle, type SyncLoopOptions } from './loop'
export type { Timers } from './timers'
export { listenForPokes, type EventSourceFactory, type EventSourceLike } from './pokes'
export { observePendingCount, observeQuarantine, observeSyncMeta, dismissQuarantined, type SyncMeta } from './status'
export { requestPersistentStorage } from './persist'
export { withLock, type LockManagerLike } from './lock'
export {
  AuthError,
  ForbiddenError,
  OutboxGapError,
  ProtocolError,
  SeqGapError,
  SyncError,
  TransientError,
  toSyncFailure,
  type SyncFailure,
  type SyncFailureKind,
} from './errors'
