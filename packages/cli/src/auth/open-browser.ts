// Opens a URL in the user's browser without a shell (`open`, `xdg-open`, or rundll32 on Windows,
// where `start` would need cmd to parse the URL). Resolves false when no browser could be
// started, so the caller asks the user to open the printed URL.
import { spawn } from 'node:child_process';

/** How long a launcher may run before we take it as having started a browser. */
const LAUNCH_GRACE_MS = 3000;

export function browserCommand(
  url: string,
  platform: NodeJS.Platform = process.platform,
): [string, string[]] {
  if (platform === 'darwin') return ['open', [url]];
  if (platform === 'win32') return ['rundll32', ['url.dll,FileProtocolHandler', url]];
  return ['xdg-open', [url]];
}

export function openBrowser(url: string, env: NodeJS.ProcessEnv): Promise<boolean> {
  const [command, args] = browserCommand(url);
  return new Promise((resolve) => {
    let settled = false;
    const settle = (opened: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(opened);
    };
    const child = spawn(command, args, {
      env,
      stdio: 'ignore',
      detached: process.platform !== 'win32',
      windowsHide: true,
    });
    child.on('error', () => settle(false));
    child.on('exit', (code) => settle(code === 0));
    const timer = setTimeout(() => {
      child.unref();
      settle(true);
    }, LAUNCH_GRACE_MS);
  });
}
