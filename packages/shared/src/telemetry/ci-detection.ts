// CI detection (SPEC §3 rule 4) through ci-info, which knows the variables of every major CI
// service. Its own module so that ci-info loads only when the rules above it have not decided.
import ciInfo from 'ci-info';

/** ci-info's verdict for this process's environment (read when ci-info loaded). */
export function isCIEnvironment(): boolean {
  return ciInfo.isCI;
}
