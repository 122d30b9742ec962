// The fake DataRobot API and what a test needs around it: template repositories to clone offline
// and certificates to serve it over HTTPS.
export * from './fake-datarobot.ts';
export * from './self-signed-certificate.ts';
export * from './template-repository.ts';
