// The TLS options of the commands that talk to DataRobot, named as the Go dr names them
// (`-k, --skip-certificate-check`, `--ca-cert <file>`). Only clipanion is imported here, so a
// command file can declare them without loading the HTTP client.
import { Option } from 'clipanion';

export function skipCertificateCheckOption() {
  return Option.Boolean('-k,--skip-certificate-check', false, {
    description: 'Do not verify the TLS certificate of DataRobot (insecure; for test installations)',
  });
}

export function caCertOption() {
  return Option.String('--ca-cert', {
    description: "Trust the CA certificates in this PEM file too (e.g. your organization's CA)",
  });
}
