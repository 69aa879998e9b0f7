/** The Teams app package: a valid zip with the manifest (commands, bot id) and real PNG icons. */
import { describe, expect, it } from 'vitest';
import { crc32 } from 'node:zlib';
import { buildTeamsPackage } from '../../adapters/teams/app-package';

/** Reads a stored zip through its central directory, checking every CRC. */
function unzip(buf: Buffer): Map<string, Buffer> {
  const end = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = buf.readUInt16LE(end + 10);
  let p = buf.readUInt32LE(end + 16);
  const files = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    expect(buf.readUInt32LE(p)).toBe(0x02014b50);
    // A valid MS-DOS date in the central and local headers (strict unzippers reject month 0).
    for (const at of [p + 14, buf.readUInt32LE(p + 42) + 12]) {
      const date = buf.readUInt16LE(at);
      expect((date >> 5) & 0xf).toBeGreaterThanOrEqual(1);
      expect(date & 0x1f).toBeGreaterThanOrEqual(1);
    }
    const crc = buf.readUInt32LE(p + 16);
    const size = buf.readUInt32LE(p + 20);
    const nameLen = buf.readUInt16LE(p + 28);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.subarray(p + 46, p + 46 + nameLen).toString('utf8');
    const dataAt = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const data = buf.subarray(dataAt, dataAt + size);
    expect(crc32(data)).toBe(crc);
    files.set(name, data);
    p += 46 + nameLen;
  }
  return files;
}

describe('Teams app package', () => {
  it('holds the manifest with the bot id and commands, and 192/32 pixel PNG icons', () => {
    const appId = '11111111-2222-3333-4444-555555555555';
    const files = unzip(buildTeamsPackage(appId));
    expect([...files.keys()].sort()).toEqual(['color.png', 'manifest.json', 'outline.png']);
    const manifest = JSON.parse(files.get('manifest.json')!.toString('utf8'));
    expect(manifest.id).toBe(appId);
    expect(manifest.bots[0].botId).toBe(appId);
    const titles = manifest.bots[0].commandLists[0].commands.map((c: { title: string }) => c.title);
    expect(titles).toEqual(expect.arrayContaining(['register', 'check', 'list', 'show', 'pending', 'review', 'help']));
    for (const [name, size] of [['color.png', 192], ['outline.png', 32]] as const) {
      const png = files.get(name)!;
      expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
      expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([size, size]);
    }
  });
});
