// The site archive: one file holding folder trees (paths, modes, contents), gzip-compressed and
// encrypted with a passphrase. Layout (format version 1):
//
//   header (61 bytes, authenticated as GCM's additional data):
//     magic "DLSITEBK" (8) | version (1) | scrypt log2 N, r, p (3) | salt (16) | nonce (12)
//     | passphrase check (16) | reserved (5, zero)
//   AES-256-GCM( gzip( records ) ) | GCM tag (16)
//   record: u32 big-endian length | JSON (a RecordHeader) | for a file, its `size` bytes
//
// scrypt turns the passphrase into 64 bytes: the first 32 are the AES key, the last 32 key an
// HMAC whose first 16 bytes (the passphrase check) tell a wrong passphrase from a damaged file.
// GCM authenticates the whole file only at its end, so readers make a first pass that writes
// nothing (verifyArchive) before the pass that extracts.
import { createCipheriv, createDecipheriv, createHmac, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { chmodSync, closeSync, createReadStream, createWriteStream, fchmodSync, lstatSync, mkdirSync, openSync, readdirSync, readSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';

export const ARCHIVE_MAGIC = 'DLSITEBK';
export const ARCHIVE_VERSION = 1;
const HEADER_BYTES = 61;
const TAG_BYTES = 16;
/** scrypt cost: 2^17 x 8 x 128 bytes = 128 MiB of memory, about half a second here. */
const SCRYPT = { logN: 17, r: 8, p: 1 } as const;
/** A header asking for more work than this is refused rather than obeyed. */
const MAX_SCRYPT_LOG_N = 20;
const MIN_SCRYPT_LOG_N = 10;
const MAX_RECORD_HEADER = 64 * 1024;
/** Below this a passphrase is refused when an archive is written. */
export const MIN_PASSPHRASE_LENGTH = 12;

export type ArchiveProblem = 'NOT_AN_ARCHIVE' | 'UNSUPPORTED_VERSION' | 'WRONG_PASSPHRASE' | 'CORRUPT' | 'UNSAFE_PATH' | 'WEAK_PASSPHRASE';

/** Why an archive cannot be written or read; `problem` is stable, the message says what to do. */
export class ArchiveError extends Error {
  constructor(
    readonly problem: ArchiveProblem,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ArchiveError';
  }
}

/** A tree to put in the archive: its files appear under `name/` (a relative POSIX path). */
export interface ArchiveRoot {
  readonly name: string;
  readonly dir: string;
}

export type RecordHeader =
  | { readonly kind: 'manifest'; readonly manifest: unknown }
  | { readonly kind: 'dir'; readonly path: string; readonly mode: number }
  | { readonly kind: 'file'; readonly path: string; readonly mode: number; readonly size: number }
  | { readonly kind: 'end'; readonly entries: number; readonly bytes: number };

export type ArchiveEntry = Exclude<RecordHeader, { kind: 'manifest' } | { kind: 'end' }>;

/** What a reader does with the archive's records, in order; file contents come in chunks. */
export interface ArchiveVisitor {
  entry(entry: ArchiveEntry): void;
  data(chunk: Buffer): void;
  endOfFile(): void;
}

export interface ArchiveSummary {
  readonly manifest: unknown;
  readonly entries: number;
  /** Bytes of file contents (before compression). */
  readonly bytes: number;
}

interface Keys {
  readonly cipher: Buffer;
  readonly check: Buffer;
}

function deriveKeys(passphrase: string, salt: Buffer, params: { logN: number; r: number; p: number }): Promise<Keys> {
  const N = 2 ** params.logN;
  return new Promise((resolve, reject) => {
    scrypt(passphrase.normalize('NFC'), salt, 64, { N, r: params.r, p: params.p, maxmem: 256 * N * params.r }, (err, key) => {
      if (err) reject(err);
      else resolve({ cipher: key.subarray(0, 32), check: key.subarray(32) });
    });
  });
}

const passphraseCheck = (keys: Keys): Buffer => createHmac('sha256', keys.check).update('donation-ledger site archive passphrase check').digest().subarray(0, 16);

export interface WriteOptions {
  /** Hears about every 64 MiB of file contents. */
  readonly progress?: (bytes: number) => void;
  /**
   * log2 of scrypt's N; by default 17 (128 MiB). The header records it, so a reader follows.
   * Only the archive format's own tests take less, to run in milliseconds.
   */
  readonly scryptLogN?: number;
}

/** Writes the roots' trees to `file` (created 0600; must not exist). Returns what went in. */
export async function writeArchive(file: string, passphrase: string, manifest: unknown, roots: readonly ArchiveRoot[], options: WriteOptions = {}): Promise<ArchiveSummary> {
  if (passphrase.length < MIN_PASSPHRASE_LENGTH) throw new ArchiveError('WEAK_PASSPHRASE', `the passphrase must have at least ${MIN_PASSPHRASE_LENGTH} characters`);
  const progress = options.progress ?? ((): void => {});
  const kdf = { ...SCRYPT, logN: options.scryptLogN ?? SCRYPT.logN };
  if (kdf.logN < MIN_SCRYPT_LOG_N || kdf.logN > MAX_SCRYPT_LOG_N) throw new RangeError(`scrypt's log2 N must be ${MIN_SCRYPT_LOG_N} to ${MAX_SCRYPT_LOG_N}`);
  const salt = randomBytes(16);
  const nonce = randomBytes(12);
  const keys = await deriveKeys(passphrase, salt, kdf);
  const header = Buffer.alloc(HEADER_BYTES);
  header.write(ARCHIVE_MAGIC, 0, 'latin1');
  header.writeUInt8(ARCHIVE_VERSION, 8);
  header.writeUInt8(kdf.logN, 9);
  header.writeUInt8(SCRYPT.r, 10);
  header.writeUInt8(SCRYPT.p, 11);
  salt.copy(header, 12);
  nonce.copy(header, 28);
  passphraseCheck(keys).copy(header, 40);
  const cipher = createCipheriv('aes-256-gcm', keys.cipher, nonce);
  cipher.setAAD(header);
  const totals = { entries: 0, bytes: 0 };
  const fd = openSync(file, 'wx', 0o600);
  try {
    writeSync(fd, header);
    await pipeline(records(manifest, roots, totals, progress), createGzip(), cipher, createWriteStream('', { fd, autoClose: false }));
    writeSync(fd, cipher.getAuthTag());
    closeSync(fd);
  } catch (err) {
    // A half-written archive must not pass for a backup.
    closeSync(fd);
    rmSync(file, { force: true });
    throw err;
  }
  return { manifest, ...totals };
}

const frame = (header: RecordHeader): Buffer => {
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(json.length);
  return Buffer.concat([length, json]);
};

async function* records(manifest: unknown, roots: readonly ArchiveRoot[], totals: { entries: number; bytes: number }, progress: (bytes: number) => void): AsyncGenerator<Buffer> {
  const step = 64 * 1024 * 1024;
  yield frame({ kind: 'manifest', manifest });
  for (const root of roots) {
    for (const entry of walk(root.dir, root.name)) {
      totals.entries++;
      yield frame(entry.header);
      if (entry.header.kind !== 'file') continue;
      let read = 0;
      for await (const chunk of createReadStream(entry.source)) {
        read += (chunk as Buffer).length;
        if (Math.floor((totals.bytes + read) / step) > Math.floor((totals.bytes + read - (chunk as Buffer).length) / step)) progress(totals.bytes + read);
        yield chunk as Buffer;
      }
      // The trees are copies nobody writes to; a size that moved means the copy is not one.
      if (read !== entry.header.size) throw new Error(`${entry.source} changed while it was archived (${entry.header.size} bytes, then ${read})`);
      totals.bytes += read;
    }
  }
  yield frame({ kind: 'end', ...totals });
}

/** A tree's folders and files, each folder before what it holds; anything else is refused. */
function* walk(dir: string, name: string): Generator<{ header: ArchiveEntry; source: string }> {
  const stat = lstatSync(dir);
  if (stat.isDirectory()) {
    yield { header: { kind: 'dir', path: name, mode: stat.mode & 0o7777 }, source: dir };
    for (const child of readdirSync(dir).sort()) yield* walk(join(dir, child), `${name}/${child}`);
  } else if (stat.isFile()) {
    yield { header: { kind: 'file', path: name, mode: stat.mode & 0o7777, size: stat.size }, source: dir };
  } else {
    throw new Error(`${dir} is neither a file nor a folder (a link or device): not archived`);
  }
}

/**
 * Reads the whole archive, handing every record to `visitor`, and checks its authenticity at the
 * end: a visitor that writes must only run after a pass with one that does not (verifyArchive).
 */
export async function readArchive(file: string, passphrase: string, visitor: ArchiveVisitor): Promise<ArchiveSummary> {
  const { header, tag, bodyEnd } = readFrame(file);
  const keys = await deriveKeys(passphrase, header.subarray(12, 28), { logN: header.readUInt8(9), r: header.readUInt8(10), p: header.readUInt8(11) });
  if (!timingSafeEqual(passphraseCheck(keys), header.subarray(40, 56))) {
    throw new ArchiveError('WRONG_PASSPHRASE', `${file}: wrong passphrase (not the one this archive was written with, or its header is damaged)`);
  }
  const decipher = createDecipheriv('aes-256-gcm', keys.cipher, header.subarray(28, 40));
  decipher.setAAD(header);
  decipher.setAuthTag(tag);
  const parser = new RecordParser(visitor);
  try {
    const body = bodyEnd > HEADER_BYTES ? createReadStream(file, { start: HEADER_BYTES, end: bodyEnd - 1 }) : Readable.from([]);
    await pipeline(body, decipher, createGunzip(), async (source: AsyncIterable<Buffer>) => {
      for await (const chunk of source) parser.push(chunk);
    });
    return parser.finish();
  } catch (err) {
    if (err instanceof ArchiveError && err.problem === 'UNSAFE_PATH') throw err;
    throw new ArchiveError('CORRUPT', `${file} is damaged or was altered (its contents fail the authentication check): ${(err as Error).message}`, { cause: err });
  }
}

/** Reads the archive through without writing anything: its manifest and entries, once proven authentic. */
export async function verifyArchive(file: string, passphrase: string, check: (entry: ArchiveEntry) => void = () => {}): Promise<ArchiveSummary> {
  return readArchive(file, passphrase, { entry: check, data: () => {}, endOfFile: () => {} });
}

function readFrame(file: string): { header: Buffer; tag: Buffer; bodyEnd: number } {
  const size = statSync(file).size;
  const fd = openSync(file, 'r');
  try {
    const header = Buffer.alloc(HEADER_BYTES);
    if (size < HEADER_BYTES + TAG_BYTES || readSync(fd, header, 0, HEADER_BYTES, 0) !== HEADER_BYTES || header.toString('latin1', 0, 8) !== ARCHIVE_MAGIC) {
      throw new ArchiveError('NOT_AN_ARCHIVE', `${file} is not a site archive (no ${ARCHIVE_MAGIC} header)`);
    }
    const version = header.readUInt8(8);
    if (version !== ARCHIVE_VERSION) throw new ArchiveError('UNSUPPORTED_VERSION', `${file} has archive format ${version}; this version reads format ${ARCHIVE_VERSION}`);
    const logN = header.readUInt8(9);
    if (logN < MIN_SCRYPT_LOG_N || logN > MAX_SCRYPT_LOG_N || header.readUInt8(10) !== SCRYPT.r || header.readUInt8(11) !== SCRYPT.p) {
      throw new ArchiveError('CORRUPT', `${file}: its key-derivation parameters are out of range`);
    }
    const tag = Buffer.alloc(TAG_BYTES);
    readSync(fd, tag, 0, TAG_BYTES, size - TAG_BYTES);
    return { header, tag, bodyEnd: size - TAG_BYTES };
  } finally {
    closeSync(fd);
  }
}

/** A path inside the archive: relative, POSIX, no empty, `.` or `..` segment. */
export function isSafePath(path: string): boolean {
  return path.length > 0 && !path.includes('\0') && !path.includes('\\') && path.split('/').every((s) => s !== '' && s !== '.' && s !== '..');
}

/** Turns the decompressed byte stream back into records, whatever the chunk boundaries. */
class RecordParser {
  private buffer: Buffer = Buffer.alloc(0);
  private fileLeft = 0;
  private manifest: unknown;
  private sawManifest = false;
  private end: { entries: number; bytes: number } | undefined;
  private entries = 0;
  private bytes = 0;

  constructor(private readonly visitor: ArchiveVisitor) {}

  push(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    for (;;) {
      if (this.fileLeft > 0) {
        if (this.buffer.length === 0) return;
        const piece = this.buffer.subarray(0, this.fileLeft);
        this.buffer = this.buffer.subarray(piece.length);
        this.fileLeft -= piece.length;
        this.bytes += piece.length;
        this.visitor.data(piece);
        if (this.fileLeft === 0) this.visitor.endOfFile();
        continue;
      }
      if (this.buffer.length < 4) return;
      const length = this.buffer.readUInt32BE(0);
      if (length > MAX_RECORD_HEADER) throw new Error(`a record header of ${length} bytes`);
      if (this.buffer.length < 4 + length) return;
      const record = JSON.parse(this.buffer.toString('utf8', 4, 4 + length)) as RecordHeader;
      this.buffer = this.buffer.subarray(4 + length);
      this.take(record);
    }
  }

  private take(record: RecordHeader): void {
    if (this.end) throw new Error('records after the end record');
    if (record.kind === 'manifest') {
      if (this.sawManifest) throw new Error('a second manifest');
      this.sawManifest = true;
      this.manifest = record.manifest;
      return;
    }
    if (!this.sawManifest) throw new Error('no manifest first');
    if (record.kind === 'end') {
      this.end = record;
      return;
    }
    if ((record.kind !== 'dir' && record.kind !== 'file') || typeof record.path !== 'string' || !Number.isInteger(record.mode) || record.mode < 0 || record.mode > 0o7777) {
      throw new Error(`a malformed record: ${JSON.stringify(record).slice(0, 200)}`);
    }
    if (!isSafePath(record.path)) throw new ArchiveError('UNSAFE_PATH', `the archive names an unsafe path: ${JSON.stringify(record.path)}`);
    this.entries++;
    this.visitor.entry(record);
    if (record.kind === 'file') {
      if (!Number.isSafeInteger(record.size) || record.size < 0) throw new Error(`a file record with size ${String(record.size)}`);
      this.fileLeft = record.size;
      if (record.size === 0) this.visitor.endOfFile();
    }
  }

  finish(): ArchiveSummary {
    if (!this.end || this.fileLeft > 0 || this.buffer.length > 0) throw new Error('the archive ends early');
    if (this.end.entries !== this.entries || this.end.bytes !== this.bytes) throw new Error(`the end record counts ${this.end.entries} entries and ${this.end.bytes} bytes, the archive holds ${this.entries} and ${this.bytes}`);
    return { manifest: this.manifest, entries: this.entries, bytes: this.bytes };
  }
}

/**
 * Extracts the archive after a first pass has proven it authentic and every path acceptable to
 * `targetOf` (which maps an archive path to where it goes, or throws): a damaged archive, a wrong
 * passphrase or a refused path leaves the file system untouched. Files and folders get their
 * recorded modes; what exists already is never overwritten.
 */
export async function extractArchive(file: string, passphrase: string, targetOf: (path: string) => string, onManifest: (manifest: unknown) => void = () => {}): Promise<ArchiveSummary> {
  const verified = await verifyArchive(file, passphrase, (entry) => void targetOf(entry.path));
  onManifest(verified.manifest);
  let fd: number | undefined;
  const folders: { path: string; mode: number }[] = [];
  const summary = await readArchive(file, passphrase, {
    entry: (entry) => {
      const target = targetOf(entry.path);
      if (entry.kind === 'dir') {
        mkdirSync(target, { mode: 0o700 });
        folders.push({ path: target, mode: entry.mode });
      } else {
        fd = openSync(target, 'wx', 0o600);
        fchmodSync(fd, entry.mode);
      }
    },
    data: (chunk) => {
      if (fd === undefined) throw new Error('file contents outside a file');
      writeSync(fd, chunk);
    },
    endOfFile: () => {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
  });
  // Folders last, deepest first: a folder recorded read-only must still take its files.
  for (const folder of folders.reverse()) chmodSync(folder.path, folder.mode);
  return summary;
}
