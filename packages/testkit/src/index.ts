// @dr/testkit: faithful local fakes of the services dr talks to, for tests, benchmarks and the demo.
export * from './amplitude/answers.ts';
export * from './amplitude/endpoints.ts';
export * from './amplitude/fake-amplitude.ts';
export * from './amplitude/fault-mix.ts';
export * from './amplitude/faults.ts';
export * from './datarobot/index.ts';
export * from './npm-registry/fake-npm-registry.ts';
