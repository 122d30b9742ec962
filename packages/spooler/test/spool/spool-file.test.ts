// The spool on disk: private modes, nothing followed through a symlink, a corrupt, truncated or
// too-new file moved aside for a fresh one, and every failure typed as a SpoolError.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openSpoolSafely, SPOOL_SCHEMA_VERSION, Spool, SpoolError } from '../../src/spool/spool.ts';
import { type FreeSpaceProbe, NEARLY_FULL_BYTES, toSpoolError } from '../../src/spool/spool-error.ts';
import { sampleEvent, temporaryDirs } from './fixtures/spool-fixtures.ts';

const newDir = temporaryDirs();

/** Mounts a tmpfs of `sizeKiB` at `dir`; false if this machine cannot (not root, no mount). */
function mountTmpfs(dir: string, sizeKiB: number): boolean {
  if (process.getuid?.() !== 0) return false;
  const result = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeKiB}k,mode=0700`, 'tmpfs', dir]);
  return result.error === undefined && result.status === 0;
}

function canMountTmpfs(): boolean {
  const probe = mkdtempSync(join(tmpdir(), 'dr-spool-mount-'));
  try {
    if (!mountTmpfs(probe, 64)) return false;
    spawnSync('umount', ['-l', probe]);
    return true;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
}

function modeOf(path: string): number {
  return statSync(path).mode & 0o777;
}

function asideFiles(dir: string, reason: string): string[] {
  return readdirSync(dir).filter((name) => new RegExp(`^spool\\.db\\.${reason}-\\d+$`).test(name));
}

/** A real spool file with `count` events, closed (so fully checkpointed into spool.db). */
function spoolWithEvents(dir: string, count: number): void {
  const spool = Spool.open({ dir });
  for (let index = 0; index < count; index += 1) spool.enqueue(sampleEvent({ padding: 300 }));
  spool.close();
}

function expectFreshSpoolWorks(dir: string): void {
  const spool = Spool.open({ dir });
  expect(spool.depth().events).toBe(0);
  spool.enqueue(sampleEvent({ insertId: 'after' }));
  expect(spool.claimDue(10, 1_000).map((row) => row.insertId)).toEqual(['after']);
  spool.close();
}

describe('modes', () => {
  it('creates the folder 0700 and spool.db, -wal and -shm 0600, whatever the umask', () => {
    const dir = join(newDir(), 'nested', 'telemetry');
    const previous = process.umask(0);
    let spool: Spool;
    try {
      spool = Spool.open({ dir });
      spool.enqueue(sampleEvent());
    } finally {
      process.umask(previous);
    }
    expect(modeOf(dir)).toBe(0o700);
    for (const name of ['spool.db', 'spool.db-wal', 'spool.db-shm']) {
      expect(existsSync(join(dir, name)), name).toBe(true);
      expect(modeOf(join(dir, name)), name).toBe(0o600);
    }
    spool.close();
  });

  it('tightens a spool file left readable by others', () => {
    const dir = newDir();
    spoolWithEvents(dir, 1);
    chmodSync(join(dir, 'spool.db'), 0o644);
    const spool = Spool.open({ dir });
    expect(modeOf(join(dir, 'spool.db'))).toBe(0o600);
    expect(spool.depth().events).toBe(1);
    spool.close();
  });
});

describe('symlinks', () => {
  it('never follows a symlink at the spool path: moves it aside and starts fresh', () => {
    const dir = newDir();
    const elsewhere = newDir();
    const target = join(elsewhere, 'precious.txt');
    writeFileSync(target, 'not a spool');
    symlinkSync(target, join(dir, 'spool.db'));

    expectFreshSpoolWorks(dir);
    expect(readFileSync(target, 'utf8')).toBe('not a spool');
    expect(readdirSync(elsewhere)).toEqual(['precious.txt']);
    expect(statSync(join(dir, 'spool.db')).isFile()).toBe(true);
    expect(asideFiles(dir, 'unsafe')).toHaveLength(1);
  });

  it('never follows a symlink at the -wal or -shm path', () => {
    const dir = newDir();
    const elsewhere = newDir();
    for (const suffix of ['-wal', '-shm']) {
      writeFileSync(join(elsewhere, `target${suffix}`), 'untouched');
      symlinkSync(join(elsewhere, `target${suffix}`), join(dir, `spool.db${suffix}`));
    }
    expectFreshSpoolWorks(dir);
    for (const suffix of ['-wal', '-shm']) {
      expect(readFileSync(join(elsewhere, `target${suffix}`), 'utf8')).toBe('untouched');
    }
  });

  it('moves aside a folder planted at the spool path', () => {
    const dir = newDir();
    mkdirSync(join(dir, 'spool.db'));
    expectFreshSpoolWorks(dir);
    expect(asideFiles(dir, 'unsafe')).toHaveLength(1);
  });
});

describe('unusable files', () => {
  it('moves a file of random bytes aside, intact, and starts fresh', () => {
    const dir = newDir();
    const garbage = randomBytes(16_384);
    writeFileSync(join(dir, 'spool.db'), garbage, { mode: 0o600 });
    expectFreshSpoolWorks(dir);
    const [aside] = asideFiles(dir, 'corrupt');
    expect(readFileSync(join(dir, aside!))).toEqual(garbage);
  });

  it('moves a truncated spool aside and starts fresh', () => {
    const dir = newDir();
    spoolWithEvents(dir, 500);
    const file = join(dir, 'spool.db');
    truncateSync(file, Math.floor(statSync(file).size / 2));
    expectFreshSpoolWorks(dir);
    expect(asideFiles(dir, 'corrupt')).toHaveLength(1);
  });

  it('moves a spool written by a newer schema aside, untouched, and starts fresh', () => {
    const dir = newDir();
    spoolWithEvents(dir, 3);
    const db = new Database(join(dir, 'spool.db'));
    db.pragma(`user_version = ${SPOOL_SCHEMA_VERSION + 1}`);
    db.close();

    expectFreshSpoolWorks(dir);
    const [aside] = asideFiles(dir, 'newer');
    const old = new Database(join(dir, aside!), { readonly: true });
    expect(old.pragma('user_version', { simple: true })).toBe(SPOOL_SCHEMA_VERSION + 1);
    expect(old.prepare('SELECT count(*) FROM events').pluck().get()).toBe(3);
    old.close();
  });

  it('moves the -wal along with the file, so that the fresh spool never replays it', () => {
    const source = newDir();
    const dir = newDir();
    const spool = Spool.open({ dir: source });
    for (let index = 0; index < 5; index += 1) spool.enqueue(sampleEvent());
    const writer = new Database(join(source, 'spool.db'));
    writer.pragma(`user_version = ${SPOOL_SCHEMA_VERSION + 1}`);
    // Copied while both connections are open: the newer header and the rows live in the WAL.
    copyFileSync(join(source, 'spool.db'), join(dir, 'spool.db'));
    copyFileSync(join(source, 'spool.db-wal'), join(dir, 'spool.db-wal'));
    writer.close();
    spool.close();
    // Another process (a newer dr, say) has the file open, so nobody checkpoints the WAL away.
    const holder = new Database(join(dir, 'spool.db'));
    expect(holder.prepare('SELECT count(*) FROM events').pluck().get()).toBe(5);

    expectFreshSpoolWorks(dir);
    const [aside] = asideFiles(dir, 'newer');
    expect(existsSync(join(dir, `${aside}-wal`))).toBe(true);
    holder.close();
    const old = new Database(join(dir, aside!));
    expect(old.pragma('user_version', { simple: true })).toBe(SPOOL_SCHEMA_VERSION + 1);
    expect(old.prepare('SELECT count(*) FROM events').pluck().get()).toBe(5);
    old.close();
  });

  it('moves aside a SQLite file that is not a spool', () => {
    const dir = newDir();
    const db = new Database(join(dir, 'spool.db'));
    db.exec('CREATE TABLE something_else (x)');
    db.close();
    expectFreshSpoolWorks(dir);
    expect(asideFiles(dir, 'corrupt')).toHaveLength(1);
  });

  it('replaces a file found corrupt in the middle of its life, and retries the call', () => {
    const dir = newDir();
    spoolWithEvents(dir, 500);
    const spool = Spool.open({ dir });
    // Scramble pages in the middle of the file, leaving the header and schema readable.
    const fd = openSync(join(dir, 'spool.db'), 'r+');
    const pageSize = 4096;
    const pages = Math.floor(statSync(join(dir, 'spool.db')).size / pageSize);
    for (let page = 3; page < pages - 1; page += 1)
      writeSync(fd, randomBytes(pageSize), 0, pageSize, page * pageSize);
    closeSync(fd);

    expect(spool.peek(1_000)).toEqual([]);
    expect(asideFiles(dir, 'corrupt')).toHaveLength(1);
    spool.enqueue(sampleEvent({ insertId: 'after' }));
    expect(spool.peek(10).map((row) => row.insertId)).toEqual(['after']);
    spool.close();
  });

  it('keeps only the three newest files moved aside', () => {
    const dir = newDir();
    for (let round = 0; round < 5; round += 1) {
      writeFileSync(join(dir, 'spool.db'), randomBytes(4096));
      Spool.open({ dir }).close();
    }
    expect(asideFiles(dir, 'corrupt').length).toBeLessThanOrEqual(3);
    expect(asideFiles(dir, 'corrupt').length).toBeGreaterThanOrEqual(1);
  });

  it('never reuses an id across a fresh file', () => {
    const dir = newDir();
    const first = Spool.open({ dir });
    first.enqueue(sampleEvent());
    const [before] = first.peek(1);
    first.close();
    writeFileSync(join(dir, 'spool.db'), randomBytes(4096));
    const second = Spool.open({ dir });
    second.enqueue(sampleEvent());
    const [after] = second.peek(1);
    expect(after!.id).toBeGreaterThan(before!.id);
    second.close();
  });
});

describe('errors', () => {
  it('throws SPOOL_BUSY when another process holds the lock past the busy timeout', () => {
    const dir = newDir();
    const spool = Spool.open({ dir, busyTimeoutMs: 20 });
    const holder = new Database(join(dir, 'spool.db'));
    holder.exec('BEGIN IMMEDIATE');
    try {
      const started = performance.now();
      expect(() => spool.enqueue(sampleEvent())).toThrow(expect.objectContaining({ code: 'SPOOL_BUSY' }));
      expect(performance.now() - started).toBeLessThan(5_000);
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
    spool.enqueue(sampleEvent());
    expect(spool.depth().events).toBe(1);
    spool.close();
  });

  it('openSpoolSafely returns undefined and reports a typed error when the spool cannot exist', () => {
    const dir = newDir();
    writeFileSync(join(dir, 'a-file'), '');
    const errors: SpoolError[] = [];
    expect(
      openSpoolSafely({ dir: join(dir, 'a-file', 'telemetry') }, (error) => errors.push(error)),
    ).toBeUndefined();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(SpoolError);
    expect(errors[0]!.code).toBe('SPOOL_IO');
  });

  it('openSpoolSafely opens a usable spool', () => {
    const spool = openSpoolSafely({ dir: newDir() });
    expect(spool).toBeInstanceOf(Spool);
    spool!.close();
  });

  it.each([
    ['SQLITE_BUSY', 'SPOOL_BUSY'],
    ['SQLITE_BUSY_SNAPSHOT', 'SPOOL_BUSY'],
    ['SQLITE_READONLY', 'SPOOL_NOT_WRITABLE'],
    ['SQLITE_READONLY_DBMOVED', 'SPOOL_NOT_WRITABLE'],
    ['SQLITE_FULL', 'SPOOL_DISK_FULL'],
    ['SQLITE_IOERR_WRITE', 'SPOOL_IO'],
    ['SQLITE_CANTOPEN', 'SPOOL_IO'],
    ['SQLITE_CORRUPT', 'SPOOL_CORRUPT'],
    ['SQLITE_NOTADB', 'SPOOL_CORRUPT'],
    ['SQLITE_MISUSE', 'SPOOL_FAILED'],
  ])('maps %s to %s', (sqliteCode, spoolCode) => {
    const error = toSpoolError(new Database.SqliteError('failed', sqliteCode));
    expect(error).toBeInstanceOf(SpoolError);
    expect(error.code).toBe(spoolCode);
  });

  it.each([
    ['ENOSPC', 'SPOOL_DISK_FULL'],
    ['EDQUOT', 'SPOOL_DISK_FULL'],
    ['EROFS', 'SPOOL_NOT_WRITABLE'],
    ['EACCES', 'SPOOL_NOT_WRITABLE'],
    ['ENOTDIR', 'SPOOL_IO'],
  ])('maps the file-system error %s to %s', (errno, spoolCode) => {
    expect(toSpoolError(Object.assign(new Error(errno), { code: errno })).code).toBe(spoolCode);
  });

  describe('an SQLite I/O error on a full disk', () => {
    const free =
      (bytes: number): FreeSpaceProbe =>
      () => ({ bavail: Math.floor(bytes / 4096), bsize: 4096 });
    const ioError = (code: string) => new Database.SqliteError('disk I/O error', code);

    it.each(['SQLITE_IOERR', 'SQLITE_IOERR_WRITE', 'SQLITE_IOERR_FSYNC', 'SQLITE_IOERR_SHMSIZE'])(
      'is SPOOL_DISK_FULL when the folder has no room left (%s)',
      (sqliteCode) => {
        for (const bytes of [0, 4096, NEARLY_FULL_BYTES - 4096]) {
          const error = toSpoolError(ioError(sqliteCode), { dir: '/spool', statfs: free(bytes) });
          expect(error.code, `${bytes} bytes free`).toBe('SPOOL_DISK_FULL');
          expect(error.message).toMatch(/full; free some space \(disk I\/O error\)\.$/);
        }
      },
    );

    it('stays SPOOL_IO with room left, when the folder cannot be examined, or without a folder', () => {
      const error = ioError('SQLITE_IOERR_WRITE');
      expect(toSpoolError(error, { dir: '/spool', statfs: free(NEARLY_FULL_BYTES) }).code).toBe('SPOOL_IO');
      expect(toSpoolError(error, { dir: '/spool', statfs: free(1 << 30) }).code).toBe('SPOOL_IO');
      const gone: FreeSpaceProbe = () => {
        throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
      };
      expect(toSpoolError(error, { dir: '/spool', statfs: gone }).code).toBe('SPOOL_IO');
      expect(toSpoolError(error).code).toBe('SPOOL_IO');
      expect(toSpoolError(error, { dir: join(newDir(), 'missing') }).code).toBe('SPOOL_IO');
    });

    it('looks at the free space only for an SQLite I/O error', () => {
      const seen: string[] = [];
      const probe: FreeSpaceProbe = (path) => {
        seen.push(path);
        return { bavail: 0, bsize: 4096 };
      };
      for (const code of ['SQLITE_BUSY', 'SQLITE_CANTOPEN', 'SQLITE_MISUSE', 'SQLITE_CORRUPT']) {
        expect(toSpoolError(ioError(code), { dir: '/spool', statfs: probe }).code).not.toBe(
          'SPOOL_DISK_FULL',
        );
      }
      expect(
        toSpoolError(Object.assign(new Error('EIO'), { code: 'EIO' }), { dir: '/spool', statfs: probe }).code,
      ).toBe('SPOOL_IO');
      expect(seen).toEqual([]);
      toSpoolError(ioError('SQLITE_IOERR_WRITE'), { dir: '/spool', statfs: probe });
      expect(seen).toEqual(['/spool']);
    });

    // The real thing, where this machine can mount a tmpfs (root): SQLite meets the full disk
    // as SQLITE_IOERR_SHMSIZE (the -shm index cannot grow) or SQLITE_FULL, never with an errno.
    it.skipIf(!canMountTmpfs())(
      'a spool on a full tmpfs reports SPOOL_DISK_FULL (needs root and mount)',
      () => {
        const mountPoint = newDir();
        expect(mountTmpfs(mountPoint, 4096)).toBe(true);
        try {
          const dir = join(mountPoint, 'telemetry');
          spoolWithEvents(dir, 20);
          const filler = openSync(join(mountPoint, 'filler'), 'w');
          try {
            for (const size of [65_536, 4096, 512, 1]) {
              const chunk = Buffer.alloc(size);
              for (;;) {
                try {
                  writeSync(filler, chunk);
                } catch {
                  break;
                }
              }
            }
          } finally {
            closeSync(filler);
          }
          const errors: SpoolError[] = [];
          const spool = openSpoolSafely({ dir }, (error) => errors.push(error));
          try {
            spool?.enqueue(sampleEvent({ padding: 20_000 }));
          } catch (error) {
            errors.push(error as SpoolError);
          } finally {
            spool?.close();
          }
          expect(errors.map((error) => error.code)).toEqual(['SPOOL_DISK_FULL']);
        } finally {
          rmSync(join(mountPoint, 'filler'), { force: true });
          spawnSync('umount', ['-l', mountPoint]);
        }
      },
    );
  });
});
