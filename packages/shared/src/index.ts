// @dr/shared: the pure, network-free building blocks of dr.
export * from './config/config-file.ts';
export * from './errors/dr-error.ts';
export * from './fs/private-files.ts';
export * from './paths/paths.ts';
export * from './telemetry/amplitude-event.ts';
export * from './version/build-info.ts';
