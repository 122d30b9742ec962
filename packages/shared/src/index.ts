// @dr/shared: the pure, network-free building blocks of dr.
export * from './config/config-file.ts';
export * from './errors/dr-error.ts';
export * from './fs/folder-safety.ts';
export * from './fs/private-files.ts';
export * from './paths/paths.ts';
export * from './telemetry/amplitude-event.ts';
export * from './telemetry/ci-detection.ts';
export * from './telemetry/consent-text.ts';
export * from './telemetry/enablement.ts';
export * from './telemetry/event-builder.ts';
export * from './telemetry/event-schema.ts';
export * from './telemetry/ids.ts';
export * from './telemetry/policy-file.ts';
export * from './telemetry/scrubber.ts';
export * from './telemetry/session.ts';
export * from './telemetry/tracking-plan-docs.ts';
export * from './version/build-info.ts';
