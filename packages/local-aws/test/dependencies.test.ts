import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const PACKAGE_DIR = path.join(__dirname, '..');

describe('what deploy:local runs on', () => {
  it('[no test kit at run time] depends on @secure-lambda/moto for the emulator, not on @secure-lambda/testkit', () => {
    const manifest = JSON.parse(readFileSync(path.join(PACKAGE_DIR, 'package.json'), 'utf8'));
    expect(Object.keys(manifest.dependencies)).toContain('@secure-lambda/moto');
    expect(Object.keys(manifest.dependencies)).not.toContain('@secure-lambda/testkit');
    const importers = readdirSync(path.join(PACKAGE_DIR, 'src'), { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.ts'))
      .filter((file) =>
        /from '@secure-lambda\/testkit|require\('@secure-lambda\/testkit/.test(
          readFileSync(path.join(PACKAGE_DIR, 'src', file), 'utf8'),
        ),
      );
    expect(importers).toEqual([]);
  });
});
