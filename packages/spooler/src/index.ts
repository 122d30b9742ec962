// @dr/spooler: the SQLite spool, the Amplitude transport, the drainer and the helper that spawns it.
// Importing it is cheap: proper-lockfile and the proxy tunnel load only when a drain needs them.

export {
  BATCH_PLAN,
  HTTP_V2_PLAN,
  type PacingPlan,
  planForBacklog,
  SMALL_BACKLOG_EVENTS,
} from './drainer/device-pacing.ts';
export {
  type DrainOptions,
  type DrainProgress,
  type DrainSummary,
  drain,
  drainPass,
  heldDevices,
  LAST_SUCCESS_META_KEY,
  nextAttemptDelayMs,
  type StopReason,
} from './drainer/drainer.ts';
export {
  claimDrainerSpawn,
  DRAINER_SPAWN_CLAIM_FILE,
  type DrainerState,
  drainerVeto,
  readDrainerState,
  stopRunningDrainer,
} from './drainer/drainer-control.ts';
export {
  DRAINER_LOCK_FILE,
  DRAINER_LOCK_STALE_MS,
  type DrainerLockState,
  drainerLockPath,
  inspectDrainerLock,
  isDrainerLockHeld,
} from './drainer/drainer-lock.ts';
export { DRAINER_LOG_FILE, openDrainerLog } from './drainer/drainer-log.ts';
export {
  CHILD_ENV_KEYS,
  childEnv,
  DRAINER_ENV,
  DRAINER_NODE_FLAGS,
  type SpawnDrainerOptions,
  type SpawnDrainerResult,
  spawnDrainerIfDue,
} from './drainer/spawn-drainer.ts';
export { buildDroppedReport, DROPPED_EVENT_TYPE } from './spool/dropped-report.ts';
export {
  type DroppedCounts,
  type DropReason,
  openSpoolSafely,
  SPOOL_SCHEMA_VERSION,
  Spool,
  type SpoolDepth,
  SpoolError,
  type SpoolErrorCode,
  type SpooledEvent,
  type SpoolOptions,
  withExistingSpool,
} from './spool/spool.ts';
export {
  DEFAULT_TIMEOUT_MS,
  type SendEventsOptions,
  sendEvents,
} from './transport/amplitude-transport.ts';
export {
  AMPLITUDE_BASES,
  type AmplitudeApi,
  type AmplitudeRegion,
  apiUrl,
  resolveEndpoint,
  TelemetryEndpointError,
} from './transport/endpoint.ts';
export { closeProxyDispatchers } from './transport/proxy-dispatcher.ts';
export type {
  InvalidEvent,
  InvalidEventReason,
  RejectedReason,
  SendResult,
  ThrottleDetails,
} from './transport/send-result.ts';
