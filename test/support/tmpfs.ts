import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A small real filesystem that the test can fill up and empty again. */
export interface Tmpfs {
  readonly dir: string;
  /** Writes a filler file until the filesystem says ENOSPC. */
  fill(): void;
  /** Deletes the filler: space is back. */
  free(): void;
  unmount(): void;
}

/**
 * Mounts a tmpfs of `kib` KiB, or answers why it cannot (mounting needs root, as CI and the
 * project's machines have; elsewhere the disk-full tests say so and do not run).
 */
export function mountTmpfs(kib: number): Tmpfs | string {
  if (process.getuid?.() !== 0) return 'mounting a tmpfs needs root';
  const dir = mkdtempSync(join(tmpdir(), 'footfall-tmpfs-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${kib}k`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    return `mount -t tmpfs failed: ${(error as Error).message.split('\n')[0]}`;
  }
  const filler = join(dir, 'filler');
  return {
    dir,
    fill() {
      const fd = openSync(filler, 'a');
      try {
        for (const size of [65536, 4096, 512, 1]) {
          const chunk = Buffer.alloc(size);
          try {
            for (;;) writeSync(fd, chunk);
          } catch (error) {
            if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
          }
        }
      } finally {
        closeSync(fd);
      }
    },
    free() {
      unlinkSync(filler);
    },
    unmount() {
      execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Root mounts a tmpfs here: whether this machine can run the disk-full tests. */
export const tmpfsUnavailable: string | undefined = (() => {
  const probe = mountTmpfs(64);
  if (typeof probe === 'string') return probe;
  probe.unmount();
  return undefined;
})();
