// A real PostgreSQL server for the read-model tests, from Debian's packages: initialized in a
// fresh folder under the system's temp dir (the server's own user must reach it, and a checkout
// may live where only its owner can), listening on loopback only, stopped by its own PID file
// and removed afterwards.
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PORT_OFFSET } from './harness';

export interface Postgres {
  readonly url: string;
  /** A fresh, empty database on this server. */
  createDatabase(name: string): string;
  stop(): void;
}

/** Where Debian puts the server binaries (pg_ctl is not on PATH there). */
function binDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'pg_ctl'))).sort((a, b) => Number(b) - Number(a)) : [];
  if (!versions[0]) {
    throw new Error('PostgreSQL is not installed: the read-model tests run against a real server (apt-get install postgresql; .ci/run does this)');
  }
  return join(root, versions[0], 'bin');
}

export function startPostgres(): Postgres {
  const bin = binDir();
  const dir = mkdtempSync(join(tmpdir(), 'ledger-postgres-'));
  const data = join(dir, 'data');
  const port = 5432 + PORT_OFFSET;
  // The server refuses to run as root; Debian's package creates the "postgres" user for it.
  const asRoot = process.getuid?.() === 0;
  const run = (command: string, args: string[]): void => {
    const [file, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', join(bin, command), ...args]] : [join(bin, command), args];
    const result = spawnSync(file, argv, { encoding: 'utf8', cwd: dir });
    if (result.status !== 0) throw new Error(`${command} failed: ${result.stderr || result.stdout}`);
  };
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
  }
  run('initdb', ['-D', data, '-U', 'ledger', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C']);
  run('pg_ctl', ['-D', data, '-l', join(dir, 'server.log'), '-w', '-t', '60', '-o', `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=off`, 'start']);
  const url = (db: string): string => `postgresql://ledger@127.0.0.1:${port}/${db}`;
  return {
    url: url('postgres'),
    createDatabase: (name) => {
      run('psql', ['-h', '127.0.0.1', '-p', String(port), '-U', 'ledger', '-d', 'postgres', '-v', 'ON_ERROR_STOP=1', '-c', `drop database if exists ${name}`, '-c', `create database ${name}`]);
      return url(name);
    },
    stop: () => {
      stopServer(run, data);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** pg_ctl stop reads the server's own PID file: only this server is stopped. */
function stopServer(run: (command: string, args: string[]) => void, data: string): void {
  if (!existsSync(join(data, 'postmaster.pid'))) return;
  try {
    run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
  } catch {
    // already stopped
  }
}
