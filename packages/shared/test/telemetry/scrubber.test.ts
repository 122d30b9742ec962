import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hostKind, scrubString } from '../../src/telemetry/scrubber.ts';

const context = { homeDir: '/home/zelda', userName: 'zelda' };

// Each row: a hostile string and the canaries (sensitive parts) none of which may survive.
// A canary longer than 8 characters must not survive even in part: no 8-character window of it
// may appear in the output.
const hostile: [label: string, input: string, canaries: string[]][] = [
  // Tokens of each kind.
  [
    'DataRobot API token',
    'token NjQ2ZjFhYjJjM2Q0ZTVmNjA3MDgwOTBhOmF0b2tlbnZhbHVlZm9yZHJhcGk=',
    ['NjQ2ZjFhYjJjM2Q0ZTVmNjA3MDgwOTBhOmF0b2tlbnZhbHVlZm9yZHJhcGk'],
  ],
  [
    'DataRobot token in env',
    'DATAROBOT_API_TOKEN=Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA',
    ['Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA'],
  ],
  ['bearer header', 'Authorization: Bearer abcDEF123ghiJKL456', ['abcDEF123ghiJKL456']],
  ['bearer lower case, letters only', 'sent bearer abcdefghijkl to server', ['abcdefghijkl']],
  ['bearer alone', 'Bearer mF_9.B5f-4.1JqM', ['mF_9.B5f-4.1JqM']],
  ['basic auth header', 'authorization=Basic dXNlcjpwYXNz', ['dXNlcjpwYXNz']],
  [
    'JWT',
    'jwt eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c done',
    [
      'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9',
      'eyJzdWIiOiIxMjM0NTY3ODkwIn0',
      'SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c',
    ],
  ],
  ['OpenAI key', 'key sk-proj-AbCdEf0123456789GhIjKlMn', ['AbCdEf0123456789GhIjKlMn']],
  ['OpenAI key, letters only', 'sk-abcdefghijklmnopqrstuv', ['abcdefghijklmnopqrstuv']],
  ['Anthropic key', 'sk-ant-api03-abcdefghijKLMNOPQRST-uvwxyz', ['abcdefghijKLMNOPQRST']],
  ['AWS access key id', 'aws AKIAIOSFODNN7EXAMPLE here', ['AKIAIOSFODNN7EXAMPLE', 'IOSFODNN7']],
  [
    'AWS secret key',
    'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    ['wJalrXUtnFEMI', 'K7MDENG', 'bPxRfiCYEXAMPLEKEY'],
  ],
  [
    'AWS secret key bare',
    'wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY',
    ['wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY'],
  ],
  ['GitHub token', 'ghp_1234567890abcdefghijABCDEFGHIJ123456', ['1234567890abcdefghijABCDEFGHIJ123456']],
  [
    'GitHub token letters only',
    'token is ghs_abcdefghijklmnopqrstuvwxyzabcdefghij',
    ['abcdefghijklmnopqrstuvwxyzabcdefghij'],
  ],
  [
    'GitHub fine-grained',
    'github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz',
    ['11ABCDEFG0123456789'],
  ],
  ['Slack token', 'xoxb-123456789012-abcdefghijkl', ['123456789012-abcdefghijkl']],
  ['Google key', 'AIzaSyA-1234567890abcdefghijklmnopqrstu', ['SyA-1234567890abcdefghijklmnopqrstu']],
  ['Stripe key', 'sk_live_abcdefghij1234567890', ['abcdefghij1234567890']],
  ['password=', 'login with password=hunter2 failed', ['hunter2']],
  ['password: quoted', 'password: "correct horse battery"', ['correct horse', 'battery']],
  ['JSON secret', '{"client_secret": "s3cr3t-value", "ok": true}', ['s3cr3t-value']],
  ['api_key colon', 'api_key:abc123', ['abc123']],
  ['apiKey in query-less text', 'apiKey=letmein', ['letmein']],
  ['env value', 'FOO_SETTING=some-private-value', ['some-private-value']],
  ['flag value', '--project-name=acme-secret-launch', ['acme-secret-launch']],
  ['cookie', 'Cookie: session=abc; other', ['session=abc']],
  [
    'PEM key',
    '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7\nabcdef\n-----END RSA PRIVATE KEY-----',
    ['MIIEowIBAAKCAQEA7', 'abcdef'],
  ],
  // Emails in odd spellings.
  ['email', 'contact john.doe@example.com now', ['john.doe', 'example.com']],
  ['email upper case', 'JOHN.DOE@EXAMPLE.COM', ['JOHN.DOE', 'EXAMPLE']],
  ['email with plus and subdomain', 'a.b+tag@mail.corp.example.co.uk', ['a.b+tag', 'corp.example']],
  ['email in angle brackets', 'From: Jane <jane@corp.io>', ['jane@', 'corp.io']],
  ['email url-encoded', 'user%40example.com', ['user', 'example.com']],
  ['email full-width at', 'user＠example.com', ['user', 'example']],
  ['email quoted local part', '"john smith"@example.org', ['john smith', 'example.org']],
  ['email (at) (dot)', 'john (at) example (dot) com', ['john', 'example']],
  ['email [at] .', 'john[at]example.com', ['john', 'example']],
  ['email spelled out', 'write to jane at example dot com', ['jane', 'example']],
  ['mailto', 'mailto:ceo@bigcorp.com', ['ceo', 'bigcorp']],
  ['email with IP literal', 'root@[10.1.2.3]', ['root', '10.1.2.3']],
  // File paths.
  ['posix path', 'cannot open /var/lib/acme/secret-plan.txt', ['acme', 'secret-plan']],
  ['posix path with user', 'at /Users/bob/projects/skunkworks/main.py:12', ['bob', 'skunkworks']],
  ['home path', 'wrote /home/zelda/notes/plan.md', ['zelda', 'notes', 'plan']],
  ['home path with spaces', 'in /home/zelda/My Projects/x', ['zelda', 'My Projects']],
  ['tilde path', 'see ~/work/topsecret/config.yaml', ['topsecret', 'config']],
  ['tilde user path', '~alice/private/file', ['alice', 'private']],
  ['relative path', 'edit ./clients/megacorp/.env', ['clients', 'megacorp']],
  ['parent path', '../../acme-internal/deploy.sh', ['acme-internal']],
  ['windows path', 'C:\\Users\\Zelda\\Documents\\budget.xlsx', ['Zelda', 'Documents', 'budget']],
  ['windows path forward slashes', 'D:/clients/acme/report.pdf', ['clients', 'acme', 'report']],
  ['windows path with spaces', 'C:\\Program Files\\Acme Corp\\tool.exe', ['Acme Corp', 'tool.exe']],
  ['UNC path', '\\\\fileserver\\share\\payroll', ['fileserver', 'payroll']],
  ['bare file name', 'failed to parse customers-2024.csv', ['customers']],
  // URLs with credentials, private hosts.
  ['URL with credentials', 'https://admin:pa55w0rd@internal.acme.com/api', ['admin', 'pa55w0rd', 'acme']],
  [
    'cloud URL with path and query',
    'https://app.datarobot.com/projects/abc123?token=xyz987',
    ['abc123', 'xyz987'],
  ],
  ['cloud URL with credentials', 'https://bob:hunter2@app.eu.datarobot.com/api/v2', ['bob', 'hunter2']],
  ['lookalike cloud host', 'https://app.datarobot.com.evil.io/x', ['evil']],
  ['userinfo trick', 'https://app.datarobot.com@evil.example/x', ['evil']],
  ['private install URL', 'endpoint https://datarobot.megabank.internal/api/v2', ['megabank']],
  ['private install bare host', 'connect to dr.megabank.com failed', ['megabank']],
  ['private host single dot', 'host megabank.local unreachable', ['megabank']],
  ['other scheme', 'git+ssh://git@github.com/acme/private-repo.git', ['acme', 'private-repo']],
  ['scp-like git', 'git@github.com:acme/private-repo.git', ['acme', 'private-repo']],
  ['file URL', 'file:///home/zelda/x', ['zelda']],
  // IPs.
  ['IPv4', 'connect ECONNREFUSED 10.20.30.40:443', ['10.20.30.40']],
  ['IPv4 at end of sentence', 'from 192.168.1.7.', ['192.168.1.7']],
  ['IPv6', 'listen on fe80::1ff:fe23:4567:890a%eth0', ['fe80::1ff', '4567:890a']],
  ['IPv6 full', '2001:0db8:85a3:0000:0000:8a2e:0370:7334', ['2001:0db8', '8a2e:0370']],
  ['IPv6 loopback', 'http on ::1 port', ['::1']],
  // Hex and base64.
  ['hex run', 'commit 9fceb02d0ae598e95dc970b74767f19372d61af8', ['9fceb02d0ae598e9']],
  ['ObjectId', 'project 5f1b2c3d4e5f6a7b8c9d0e1f', ['5f1b2c3d4e5f6a7b']],
  ['hex with 0x', 'addr 0xdeadbeefcafebabe1234', ['deadbeefcafebabe']],
  ['UUID', 'deployment 123e4567-e89b-42d3-a456-426614174000', ['123e4567', '426614174000']],
  ['base64', 'blob dGhpcyBpcyBhIHNlY3JldCBtZXNzYWdl', ['dGhpcyBpcyBhIHNlY3JldCBtZXNzYWdl']],
  ['base64 padded', 'blob c2VjcmV0LXBhc3N3b3JkLTE=', ['c2VjcmV0LXBhc3N3b3JkLTE']],
  ['base64url', 'id Xk9_2Lm-Qp8RtY7uIo0PaS', ['Xk9_2Lm-Qp8RtY7uIo0PaS']],
  ['base64 letters only', 'nonce QwErTyUiOpAsDfGhJkLz', ['QwErTyUiOpAsDfGhJkLz']],
  ['random lowercase with digits', 'key a1b2c3d4e5f6g7h8i9j0k1', ['a1b2c3d4e5f6g7h8i9j0k1']],
  // Home folder and user name.
  ['user name', 'hello zelda, welcome', ['zelda']],
  ['user name upper case', 'ZELDA ran it', ['ZELDA']],
  // Mixed.
  [
    'mixed',
    'POST https://dr.acme.corp/api token=abc123def by ops@acme.corp from 10.0.0.8 file /srv/acme/app.py',
    ['acme', 'abc123def', 'ops@', '10.0.0.8', '/srv'],
  ],
  [
    'stack frame',
    'at Object.<anonymous> (/home/zelda/code/billing-engine/src/index.ts:12:7)',
    ['zelda', 'billing-engine'],
  ],
];

function survivingCanaries(output: string, canaries: readonly string[]): string[] {
  const lower = output.toLowerCase();
  return canaries.filter((canary) => {
    const c = canary.toLowerCase();
    if (lower.includes(c)) return true;
    for (let i = 0; i + 8 <= c.length && c.length > 8; i++) {
      if (lower.includes(c.slice(i, i + 8))) return true;
    }
    return false;
  });
}

describe('scrubString', () => {
  it.each(hostile)('removes %s', (_label, input, canaries) => {
    const output = scrubString(input, context);
    expect(survivingCanaries(output, canaries), output).toEqual([]);
  });

  it.each([
    'auth login',
    'us',
    'custom',
    'ValidationError',
    'ConfigError',
    'CONFIG_INVALID',
    'ERR_HTTP2_STREAM_CANCEL',
    'ECONNREFUSED',
    'self telemetry status',
    'dotenv setup',
    'template clone',
    'auth_login_succeeded',
    'ValidationErrorWithDetails',
    'datarobot-agent-templates-v2',
    'verbose',
    'disable-telemetry',
    'Try again.',
    'exit code 1',
    'took 12 ms',
    'v1.2.3',
    '12:30',
    'std::string',
    'app.datarobot.com',
    'app.eu.datarobot.com',
    'app.jp.datarobot.com',
    'the token expired',
    '',
  ])('leaves %j untouched', (harmless) => {
    expect(scrubString(harmless, context)).toBe(harmless);
  });

  it('reduces a cloud URL to its host name', () => {
    expect(scrubString('https://app.datarobot.com/api/v2/projects/abc?x=1')).toBe('app.datarobot.com');
    expect(scrubString('see https://APP.JP.DATAROBOT.COM:443/')).toBe('see app.jp.datarobot.com');
  });

  it('names what it removed with placeholders', () => {
    expect(scrubString('mail a@b.com')).toBe('mail <email>');
    expect(scrubString('open /etc/passwd')).toBe('open <path>');
    expect(scrubString('at https://example.com/x')).toBe('at <url>');
    expect(scrubString('ip 10.0.0.1')).toBe('ip <ip>');
    expect(scrubString('password=x')).toBe('password=<redacted>');
  });

  it('replaces the home folder whatever the separators and case', () => {
    const windows = { homeDir: 'C:\\Users\\Zelda', userName: 'zelda' };
    expect(scrubString('c:/users/zelda', windows)).toBe('~');
    expect(scrubString('in C:\\Users\\Zelda Doe\\x', { homeDir: 'C:\\Users\\Zelda Doe' })).toBe('in <path>');
  });

  it('does not treat a home folder prefix of another folder as the home folder', () => {
    expect(scrubString('/home/zel', { homeDir: '/home/ze' })).toBe('<path>');
  });

  it('does not replace user names that would eat ordinary words', () => {
    expect(scrubString('us', { userName: 'us' })).toBe('us');
    expect(scrubString('ran zed', { userName: 'zed' })).toBe('ran <user>');
    expect(scrubString('ozzed', { userName: 'zed' })).toBe('ozzed');
  });

  it('finds the user name and home folder in any case, and in text that is not ASCII', () => {
    // A quick case-blind look first (ASCII text), the full patterns otherwise: both must find them.
    expect(scrubString('ran ZELDA twice', { userName: 'zelda' })).toBe('ran <user> twice');
    expect(scrubString('ran Zelda – twice', { userName: 'zelda' })).toBe('ran <user> – twice');
    // U+017F (long s) folds to s in a Unicode case-insensitive match.
    expect(scrubString('ran \u017Fam twice', { userName: 'sam' })).toBe('ran <user> twice');
    expect(scrubString('in /HOME/ZELDA', { homeDir: '/home/zelda' })).toBe('in ~');
    expect(scrubString('dans /home/zelda — là', { homeDir: '/home/zelda' })).toBe('dans ~ — là');
    expect(scrubString('ran zeldas', { userName: 'zelda' })).toBe('ran zeldas');
  });

  it('gives the same answer for a string it has seen before, in each context', () => {
    const alice = { homeDir: '/home/alice', userName: 'alice' };
    const bob = { homeDir: '/home/bob', userName: 'bob' };
    expect(scrubString('hi alice', alice)).toBe('hi <user>');
    expect(scrubString('hi alice', alice)).toBe('hi <user>');
    expect(scrubString('hi alice', bob)).toBe('hi alice');
    expect(scrubString('hi bob', bob)).toBe('hi <user>');
  });

  it('scrubs the start of an over-long string and drops its cut tail', () => {
    const secret = 'Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA';
    // The cut at 4096 falls 16 characters into the secret: too short for the rules, so it must go.
    const output = scrubString(`${'word '.repeat(816)}${secret} tail`);
    expect(output).not.toContain('Zm9vYmFy');
    expect(output.length).toBeLessThanOrEqual(4096);
  });

  it('stays linear on inputs built to backtrack', () => {
    const inputs = [
      'a'.repeat(4000),
      'a.'.repeat(2000),
      '@'.repeat(4000),
      'a:'.repeat(2000),
      'x='.repeat(2000),
    ];
    for (const input of inputs) {
      const started = performance.now();
      scrubString(input);
      // A catastrophic pattern takes seconds here; a linear one well under 50 ms; the bound is loose so load cannot flake it.
      expect(performance.now() - started).toBeLessThan(1000);
    }
  });
});

describe('scrubString on generated input', () => {
  const word = fc.constantFrom(
    'auth',
    'login',
    'failed',
    'at',
    'with',
    'key',
    'x',
    '-',
    ':',
    '(',
    ')',
    '"',
    '',
  );
  const text = fc.array(word, { maxLength: 6 }).map((words) => words.join(' '));
  const secret = fc.oneof(
    fc.uint8Array({ minLength: 16, maxLength: 64 }).map((bytes) => Buffer.from(bytes).toString('base64')),
    fc.uint8Array({ minLength: 16, maxLength: 64 }).map((bytes) => Buffer.from(bytes).toString('base64url')),
    fc.uint8Array({ minLength: 8, maxLength: 32 }).map((bytes) => Buffer.from(bytes).toString('hex')),
  );
  const separator = fc.constantFrom(' ', '=', ': ', '"', "'", '(', ' \n');

  it('never lets a random secret through, whatever surrounds it', () => {
    fc.assert(
      fc.property(text, separator, secret, separator, text, (before, open, value, close, after) => {
        const output = scrubString(`${before}${open}${value}${close}${after}`);
        const body = value.replace(/=+$/, '');
        for (let i = 0; i + 12 <= body.length; i += 4) expect(output).not.toContain(body.slice(i, i + 12));
      }),
      { numRuns: 3000 },
    );
  });

  it('leaves nothing for a second pass to find (but placeholder names)', () => {
    const placeholders = (s: string) => s.replace(/(?:<[a-z]+>)+/g, '<>');
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 80 }), text), (input) => {
        const once = scrubString(input, context);
        expect(placeholders(scrubString(once, context))).toBe(placeholders(once));
      }),
      { numRuns: 3000 },
    );
  });
});

describe('hostKind', () => {
  it.each([
    ['https://app.datarobot.com/api/v2', 'us'],
    ['https://app.datarobot.com', 'us'],
    ['app.datarobot.com', 'us'],
    ['HTTPS://APP.EU.DATAROBOT.COM/api/v2/', 'eu'],
    ['https://app.jp.datarobot.com:443/api/v2', 'jp'],
    ['https://app.datarobot.com./', 'us'],
    ['https://user:pw@app.datarobot.com/', 'us'],
    ['https://datarobot.acme.com/api/v2', 'custom'],
    ['https://app.datarobot.com.evil.io/', 'custom'],
    ['https://app.datarobot.com@evil.io/', 'custom'],
    ['http://localhost:8080', 'custom'],
    ['not a url', 'custom'],
    ['', 'custom'],
    ['constructor', 'custom'],
  ])('%s is %s', (url, kind) => {
    expect(hostKind(url)).toBe(kind);
  });
});
