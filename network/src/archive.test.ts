import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ArchiveError, extractArchive, isSafePath, verifyArchive, writeArchive } from './archive';

const PASSPHRASE = 'correct horse battery staple';
// The format's tests derive keys with scrypt at 2^10 (the header records it): at the default
// 2^17 each archive written or read costs half a second; one test holds the default.
const CHEAP = { scryptLogN: 10 };

describe('the encrypted site archive', () => {
  let dir: string;
  let source: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'archive-test-'));
    source = join(dir, 'source');
    mkdirSync(join(source, 'keys'), { recursive: true, mode: 0o700 });
    writeFileSync(join(source, 'keys', 'key.pem'), 'secret key', { mode: 0o600 });
    writeFileSync(join(source, 'public.pem'), 'certificate', { mode: 0o644 });
    writeFileSync(join(source, 'empty'), '', { mode: 0o600 });
    writeFileSync(join(source, 'big.bin'), Buffer.alloc(3 * 1024 * 1024, 7), { mode: 0o600 });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const archive = async (): Promise<string> => {
    const file = join(dir, 'site.archive');
    await writeArchive(file, PASSPHRASE, { site: 'ngo' }, [{ name: 'org', dir: source }], CHEAP);
    return file;
  };
  const problemOf = async (promise: Promise<unknown>): Promise<string> => {
    try {
      await promise;
      return 'OK';
    } catch (err) {
      return err instanceof ArchiveError ? err.problem : String(err);
    }
  };

  test('a round trip gives back every file with its contents and mode, and the manifest', async () => {
    const file = await archive();
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const out = join(dir, 'out');
    mkdirSync(out);
    let manifest: unknown;
    const summary = await extractArchive(file, PASSPHRASE, (path) => join(out, path), (m) => (manifest = m));
    expect(manifest).toEqual({ site: 'ngo' });
    expect(summary).toMatchObject({ entries: 6, bytes: 3 * 1024 * 1024 + 'secret key'.length + 'certificate'.length });
    expect(readFileSync(join(out, 'org', 'keys', 'key.pem'), 'utf8')).toBe('secret key');
    expect(readFileSync(join(out, 'org', 'big.bin')).equals(Buffer.alloc(3 * 1024 * 1024, 7))).toBe(true);
    expect(readFileSync(join(out, 'org', 'empty'), 'utf8')).toBe('');
    expect(statSync(join(out, 'org', 'keys')).mode & 0o777).toBe(0o700);
    expect(statSync(join(out, 'org', 'keys', 'key.pem')).mode & 0o777).toBe(0o600);
    expect(statSync(join(out, 'org', 'public.pem')).mode & 0o777).toBe(0o644);
  });

  test('by default the key is derived with scrypt at N = 2^17, r = 8, p = 1 (128 MiB), and the archive reads back', async () => {
    const file = join(dir, 'default.archive');
    await writeArchive(file, PASSPHRASE, {}, [{ name: 'org', dir: join(source, 'keys') }]);
    expect([...readFileSync(file).subarray(9, 12)]).toEqual([17, 8, 1]);
    expect((await verifyArchive(file, PASSPHRASE)).entries).toBeGreaterThan(0);
  });

  test('the contents are not readable in the file (encrypted, not only compressed)', async () => {
    expect(readFileSync(await archive()).includes('secret key')).toBe(false);
  });

  test('a wrong passphrase is refused as such, and nothing is written', async () => {
    const file = await archive();
    const out = join(dir, 'out');
    mkdirSync(out);
    expect(await problemOf(extractArchive(file, 'not the passphrase at all', (path) => join(out, path)))).toBe('WRONG_PASSPHRASE');
    expect(readdirSync(out)).toEqual([]);
  });

  test('one changed byte anywhere in the body or tag is refused as corrupt before anything is written', async () => {
    const file = await archive();
    const original = readFileSync(file);
    const out = join(dir, 'out');
    mkdirSync(out);
    const positions = [61, Math.floor(original.length / 2), original.length - 20, original.length - 1];
    for (const at of positions) {
      const damaged = Buffer.from(original);
      damaged[at] = (damaged[at] ?? 0) ^ 0x01;
      writeFileSync(file, damaged);
      expect({ at, problem: await problemOf(extractArchive(file, PASSPHRASE, (path) => join(out, path))) }).toEqual({ at, problem: 'CORRUPT' });
    }
    expect(positions).toHaveLength(4);
    expect(readdirSync(out)).toEqual([]);
  });

  test('a truncated archive is refused as corrupt', async () => {
    const file = await archive();
    const whole = readFileSync(file);
    writeFileSync(file, whole.subarray(0, Math.floor(whole.length / 2)));
    expect(await problemOf(verifyArchive(file, PASSPHRASE))).toBe('CORRUPT');
  });

  test('a file that is not an archive is refused as such', async () => {
    const file = join(dir, 'notes.txt');
    writeFileSync(file, 'just some notes, long enough to hold a header and a tag and then some more');
    expect(await problemOf(verifyArchive(file, PASSPHRASE))).toBe('NOT_AN_ARCHIVE');
  });

  test('a short passphrase is refused when writing, and no file is left', async () => {
    const file = join(dir, 'weak.archive');
    expect(await problemOf(writeArchive(file, 'short', {}, [{ name: 'org', dir: source }], CHEAP))).toBe('WEAK_PASSPHRASE');
    expect(existsSync(file)).toBe(false);
  });

  test('an existing file is never overwritten by a new archive', async () => {
    const file = join(dir, 'taken');
    writeFileSync(file, 'keep me');
    await expect(writeArchive(file, PASSPHRASE, {}, [{ name: 'org', dir: source }], CHEAP)).rejects.toThrow(/EEXIST/);
    expect(readFileSync(file, 'utf8')).toBe('keep me');
  });

  test('a path the target refuses stops the extraction before anything is written', async () => {
    const file = await archive();
    const out = join(dir, 'out');
    mkdirSync(out);
    const refuseKeys = (path: string): string => {
      if (path.includes('keys')) throw new Error(`refused: ${path}`);
      return join(out, path);
    };
    await expect(extractArchive(file, PASSPHRASE, refuseKeys)).rejects.toThrow(/refused: org\/keys/);
    expect(readdirSync(out)).toEqual([]);
  });

  test('paths with . or .. segments, absolute paths and empty segments are unsafe', () => {
    expect(['org/a', 'data/peer0.ngo/ledgersData/x'].map(isSafePath)).toEqual([true, true]);
    expect(['../etc/passwd', 'org/../x', '/etc', 'org//x', 'org/./x', ''].map(isSafePath)).toEqual([false, false, false, false, false, false]);
  });
});
