'use strict';
/**
 * Reproducible zip archives: the same files give the same bytes on every machine and checkout, so
 * Terraform sees the same source_code_hash and publishes a Lambda version only when code changes.
 *
 * The workspace's only zip writer: the handler bundler (scripts/bundle-app.mjs), the stacks' placeholder
 * bundle and the plan-review fixtures all write through it. Written by hand because reproducibility is the
 * whole point and the usual zip libraries stamp the current time or the files' own mtimes and modes: here
 * entries are sorted, timestamps fixed to 1980-01-01, modes fixed to 0644, deflate level fixed (an entry
 * is stored when deflate would not make it smaller), and no extra fields are written. A reader for these
 * archives (stored or deflated, no zip64) is included for the bundle tests and the local Lambda runner.
 *
 * Plain CommonJS with no build step: scripts that run before `npm run build` (and ES module scripts, by
 * `import`) load it as it is.
 *
 * @example
 * ```js
 * import { unzipFiles, zipFiles } from '@secure-lambda/deterministic-zip';
 * const zip = zipFiles([{ name: 'index.js', data: Buffer.from('exports.handler = async () => 1;') }]);
 * unzipFiles(zip)[0].name; // 'index.js'
 * ```
 */
const zlib = require('node:zlib');

// One CRC-32 for writer and reader: node:zlib's (Node >= 20.15). The project's engines allow 20.11, so say
// what to do rather than fail on `crc32 is not a function` deep inside a build.
const crc32 =
  typeof zlib.crc32 === 'function'
    ? zlib.crc32
    : () => {
        throw new Error(
          `@secure-lambda/deterministic-zip needs node:zlib crc32 (Node >= 20.15); this is Node ${process.versions.node}. Upgrade Node.`,
        );
      };

const DOS_TIME = 0;
const DOS_DATE = (0 << 9) | (1 << 5) | 1; // 1980-01-01: the earliest a zip can say, the same everywhere
const UTF8_NAMES = 0x0800;
const DEFLATE = 8;
const STORE = 0;
const UNIX_REGULAR_0644 = (0o100644 << 16) >>> 0;
const DEFLATE_LEVEL = 9;
const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_CENTRAL = 0x06054b50;
/** Without zip64 a count is 16 bits and a size or offset 32 bits. */
const MAX_ENTRIES = 0xffff;
const MAX_BYTES = 0xffffffff;

/**
 * @param {string} a
 * @param {string} b
 */
function byName(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Writes `files` as one zip, in name order whatever the input order.
 * @param {ReadonlyArray<{ name: string, data: Uint8Array }>} files
 * @returns {Buffer}
 */
function zipFiles(files) {
  const sorted = [...files].sort((a, b) => byName(a.name, b.name));
  if (sorted.length > MAX_ENTRIES)
    throw new RangeError(`a zip without zip64 holds at most ${MAX_ENTRIES} files`);
  const locals = [];
  const centrals = [];
  let offset = 0;
  for (let i = 0; i < sorted.length; i++) {
    const { name, data } = sorted[i];
    if (i > 0 && sorted[i - 1].name === name)
      throw new Error(`duplicate zip entry name ${JSON.stringify(name)}`);
    const nameBytes = Buffer.from(name, 'utf8');
    const deflated = zlib.deflateRawSync(data, { level: DEFLATE_LEVEL });
    const useDeflate = deflated.length < data.length;
    const body = useDeflate ? deflated : Buffer.isBuffer(data) ? data : Buffer.from(data);
    const method = useDeflate ? DEFLATE : STORE;
    if (data.length > MAX_BYTES || offset + 30 + nameBytes.length + body.length > MAX_BYTES) {
      throw new RangeError(`${name}: a zip without zip64 holds at most 4 GiB`);
    }
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(LOCAL_HEADER, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(UTF8_NAMES, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(DOS_TIME, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    locals.push(local, nameBytes, body);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(CENTRAL_HEADER, 0);
    central.writeUInt16LE((3 << 8) | 20, 4); // made by Unix, so the mode below is read
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(UTF8_NAMES, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt16LE(DOS_TIME, 12);
    central.writeUInt16LE(DOS_DATE, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(UNIX_REGULAR_0644, 38);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + body.length;
  }
  const centralSize = centrals.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(END_OF_CENTRAL, 0);
  end.writeUInt16LE(sorted.length, 8);
  end.writeUInt16LE(sorted.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, ...centrals, end]);
}

/**
 * Reads an archive written by zipFiles (or any stored/deflated zip without zip64), checking each CRC.
 * @param {Buffer} zip
 * @returns {Array<{ name: string, data: Buffer, mode: number }>}
 */
function unzipFiles(zip) {
  const endAt = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (endAt < 0) throw new Error('not a zip archive: no end of central directory');
  const count = zip.readUInt16LE(endAt + 10);
  let at = zip.readUInt32LE(endAt + 16);
  const files = [];
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== CENTRAL_HEADER) throw new Error('corrupt zip: bad central directory entry');
    const method = zip.readUInt16LE(at + 10);
    const size = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const mode = zip.readUInt32LE(at + 38) >>> 16;
    const localAt = zip.readUInt32LE(at + 42);
    const name = zip.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    const dataAt = localAt + 30 + zip.readUInt16LE(localAt + 26) + zip.readUInt16LE(localAt + 28);
    const body = zip.subarray(dataAt, dataAt + size);
    const data = method === DEFLATE ? zlib.inflateRawSync(body) : Buffer.from(body);
    if (crc32(data) >>> 0 !== zip.readUInt32LE(at + 16) >>> 0)
      throw new Error(`corrupt zip: bad CRC for ${name}`);
    files.push({ name, data, mode });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return files;
}

exports.zipFiles = zipFiles;
exports.unzipFiles = unzipFiles;
