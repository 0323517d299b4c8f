#!/usr/bin/env node
// Builds placeholder deployment zips for the functions whose app has not been built yet, so the stacks
// synthesize and plan before the handler apps exist. Never committed: written to stacks/dist/placeholders.
//
// Written by hand (a stored zip of one file is ~40 lines) rather than with a zip library because it
// must be byte-for-byte reproducible: fixed timestamps and permissions, so Terraform sees the same
// source_code_hash on every machine and publishes no new version. The handler apps bring their own
// reproducible bundling.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32 } from 'node:zlib';

const here = path.dirname(fileURLToPath(import.meta.url));
const outDir = path.join(here, '..', 'dist', 'placeholders');

// 1980-01-01 00:00 in DOS time/date: the earliest a zip can say, the same everywhere.
const DOS_TIME = 0;
const DOS_DATE = (0 << 9) | (1 << 5) | 1;

/** A zip (stored, no compression) holding one file. */
function storedZip(name, content) {
  const nameBytes = Buffer.from(name, 'utf8');
  const crc = crc32(content);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4); // version needed
  local.writeUInt16LE(0x0800, 6); // UTF-8 names
  local.writeUInt16LE(0, 8); // stored
  local.writeUInt16LE(DOS_TIME, 10);
  local.writeUInt16LE(DOS_DATE, 12);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(content.length, 18);
  local.writeUInt32LE(content.length, 22);
  local.writeUInt16LE(nameBytes.length, 26);
  local.writeUInt16LE(0, 28);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE((3 << 8) | 20, 4); // made by: Unix, so the mode below is read
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(0x0800, 8);
  central.writeUInt16LE(0, 10);
  central.writeUInt16LE(DOS_TIME, 12);
  central.writeUInt16LE(DOS_DATE, 14);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(content.length, 20);
  central.writeUInt32LE(content.length, 24);
  central.writeUInt16LE(nameBytes.length, 28);
  central.writeUInt32LE((0o100644 << 16) >>> 0, 38); // regular file, rw-r--r--
  central.writeUInt32LE(0, 42); // offset of the local header
  const centralOffset = local.length + nameBytes.length + content.length;
  const centralSize = central.length + nameBytes.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(centralOffset, 16);
  return Buffer.concat([local, nameBytes, content, central, nameBytes, end]);
}

const HANDLER = `// Placeholder deployed until the app's own bundle is built. It refuses every event.
exports.handler = async () => { throw new Error('placeholder bundle: build the app (npm run build) and redeploy'); };
`;

mkdirSync(outDir, { recursive: true });
const file = path.join(outDir, 'placeholder.zip');
writeFileSync(file, storedZip('index.js', Buffer.from(HANDLER, 'utf8')));
console.log(`placeholder bundle: ${path.relative(process.cwd(), file)}`);
