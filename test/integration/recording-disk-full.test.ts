import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startCameraRecorder } from '../../src/recording/camera-recorder.js';
import { statfsFreeSpace } from '../../src/recording/disk-space.js';
import { sha256File } from '../../src/recording/finalize.js';
import { createSegmentIndex } from '../../src/recording/segment-index.js';
import { openTestStore } from '../unit/store/helpers.js';
import { datasetFile } from '../helpers/datasets.js';

const clip = datasetFile('intel-sample-videos/car-detection.mp4');

/** A real, tiny filesystem: only where this process may mount one (root in a container, CI with privileges). */
function mountTmpfs(dir: string, size: string): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const probeDir = mkdtempSync(join(tmpdir(), 'vigie-tmpfs-probe-'));
const canMount = mountTmpfs(probeDir, '64k');
if (canMount) execFileSync('umount', [probeDir]);
rmSync(probeDir, { recursive: true, force: true });
if (!canMount) console.warn('skipping: cannot mount a tmpfs here (needs root); the simulated disk-full test still runs');

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.skipIf(clip.missing || !canMount)('recording onto a real full disk (1 MiB tmpfs)', () => {
  const mountPoint = mkdtempSync(join(tmpdir(), 'vigie-full-disk-'));
  afterAll(() => {
    try {
      execFileSync('umount', [mountPoint]);
    } finally {
      rmSync(mountPoint, { recursive: true, force: true });
    }
  });

  it('a write failure stops recording with disk_full, leaves a consistent index, and recording resumes once space returns', async () => {
    expect(mountTmpfs(mountPoint, '1m')).toBe(true);
    const dir = join(mountPoint, 'recordings');
    mkdirSync(dir);
    const t = await openTestStore(); // the database lives elsewhere, as on a dedicated recordings disk
    const index = createSegmentIndex(t.store.db);
    // No free-space floor: the failure must come from the write itself.
    const recorder = startCameraRecorder({
      camera: 'gare', source: clip.path, loop: true, segmentS: 1, recordingsDir: dir, index,
      clock: Date.now, freeSpace: statfsFreeSpace, minFreeBytes: 0, diskPollMs: 300,
    });
    try {
      await until('disk_full', () => recorder.status().state === 'disk_full');
      expect(recorder.status().error).toMatch(/disk full while writing/);
      const beforeResume = await index.list();
      for (const s of beforeResume) expect(await sha256File(join(dir, s.path))).toBe(s.sha256);
      const incoming = join(dir, 'gare', '.incoming');
      expect(existsSync(incoming) ? readdirSync(incoming) : []).toEqual([]); // the failed segment is not left behind

      execFileSync('mount', ['-o', 'remount,size=64m', mountPoint]);
      await until('a segment after the disk was enlarged', async () => (await index.list()).length > beforeResume.length);
      expect(recorder.status().state).toBe('recording');
      expect((await index.gaps({ camera: 'gare' })).map((g) => g.reason)).toContain('disk_full');
    } finally {
      await recorder.stop();
      await t.dispose();
    }
  });
});
