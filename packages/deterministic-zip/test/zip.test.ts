import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';
import { unzipFiles, zipFiles } from '../index.cjs';

const text = (s: string) => Buffer.from(s, 'utf8');
const FILES = [
  { name: 'index.js.map', data: text('{"version":3,"mappings":""}'.repeat(20)) },
  { name: 'index.js', data: text('exports.handler = async () => "ok";\n'.repeat(50)) },
  { name: 'tiny', data: text('x') },
];

describe('zipFiles', () => {
  it('gives the same bytes for the same files in any order, and round-trips through unzipFiles', () => {
    const zip = zipFiles(FILES);
    expect(zipFiles([...FILES].reverse()).equals(zip)).toBe(true);
    expect(unzipFiles(zip)).toEqual(
      [...FILES]
        .sort((a, b) => (a.name < b.name ? -1 : 1))
        .map(({ name, data }) => ({ name, data, mode: 0o100644 })),
    );
  });

  it('stamps no time, no owner and no mode of the machine: fixed 1980-01-01, 0644, no extra fields', () => {
    const zip = zipFiles([{ name: 'a.txt', data: text('a') }]);
    // Local header: time 0, date 1980-01-01 (0x21), no extra field.
    expect(zip.readUInt16LE(10)).toBe(0);
    expect(zip.readUInt16LE(12)).toBe(0x21);
    expect(zip.readUInt16LE(28)).toBe(0);
    const central = zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    expect(zip.readUInt32LE(central + 38) >>> 16).toBe(0o100644);
    expect(zip.readUInt16LE(central + 30)).toBe(0);
  });

  it('deflates an entry only when that makes it smaller, and records node:zlib crc32 of the data', () => {
    const zip = zipFiles(FILES);
    const central = (name: string) => {
      let at = zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
      for (;;) {
        const length = zip.readUInt16LE(at + 28);
        if (zip.subarray(at + 46, at + 46 + length).toString() === name) return at;
        at += 46 + length;
      }
    };
    const js = FILES[1]!.data;
    expect(zip.readUInt16LE(central('index.js') + 10)).toBe(8);
    expect(zip.readUInt32LE(central('index.js') + 20)).toBe(deflateRawSync(js, { level: 9 }).length);
    expect(zip.readUInt32LE(central('index.js') + 16)).toBe(crc32(js));
    expect(zip.readUInt16LE(central('tiny') + 10)).toBe(0);
    expect(zip.readUInt32LE(central('tiny') + 20)).toBe(1);
  });

  it('refuses two entries with the same name rather than writing an archive readers disagree on', () => {
    expect(() => zipFiles([FILES[0]!, { ...FILES[0]! }])).toThrow(/duplicate zip entry name "index.js.map"/);
  });

  it('writes archives that the system unzip accepts and extracts to the same bytes', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'Det-Zip '));
    try {
      const file = path.join(dir, 'bundle.zip');
      writeFileSync(file, zipFiles(FILES));
      const listing = execFileSync('python3', ['-m', 'zipfile', '-t', file], { encoding: 'utf8' });
      expect(listing).toContain('Done testing');
      const extracted = execFileSync(
        'python3',
        [
          '-c',
          'import sys, zipfile; sys.stdout.write(zipfile.ZipFile(sys.argv[1]).read("index.js").decode())',
          file,
        ],
        { encoding: 'utf8' },
      );
      expect(extracted).toBe(FILES[1]!.data.toString());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('unzipFiles', () => {
  it('rejects data that is not a zip, and an entry whose CRC does not match', () => {
    expect(() => unzipFiles(text('not a zip'))).toThrow(/not a zip archive/);
    const zip = zipFiles([{ name: 'tiny', data: text('x') }]);
    const damaged = Buffer.from(zip);
    damaged[30 + 'tiny'.length] = 'y'.charCodeAt(0);
    expect(() => unzipFiles(damaged)).toThrow(/bad CRC for tiny/);
  });
});
