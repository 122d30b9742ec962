// The DataRobot user id that events carry as user_id when the user is logged in (SPEC §4):
// learned by commands that talk to DataRobot anyway (login, check), cached by token fingerprint
// so a run never calls the network for it. Never the token, never an email.
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '@dr/shared';
import { tokenFingerprint } from './config-view.ts';

type IdentityCache = Record<string, string>;

export function cachedUserId(identityFile: string, fingerprint: string | undefined): string | undefined {
  if (fingerprint === undefined) return undefined;
  const id = readIdentities(identityFile)[fingerprint];
  return typeof id === 'string' ? id : undefined;
}

/** Remembers that `token` belongs to DataRobot user `userId`. Never throws. */
export function rememberUserId(identityFile: string, token: string, userId: string): void {
  try {
    const identities = readIdentities(identityFile);
    identities[tokenFingerprint(token)] = userId;
    writeFileAtomic(identityFile, JSON.stringify(identities), { durable: false });
  } catch {
    // Only a cache: events go without user_id.
  }
}

function readIdentities(identityFile: string): IdentityCache {
  try {
    const parsed: unknown = JSON.parse(readFileSync(identityFile, 'utf8'));
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as IdentityCache)
      : {};
  } catch {
    return {};
  }
}
