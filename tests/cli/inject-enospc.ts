/**
 * Preloaded into a netc process (`--import`) by tests/cli/process-outputs.test.ts: every write
 * to a file whose name ends in `.tmp` (netc's temporary files, io/atomic-write.ts) fails with
 * ENOSPC, as on a full disk, for machines where no small tmpfs can be mounted.
 */
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';

const temps = new Set<number>();
const open = fs.openSync;
const write = fs.writeSync;
const close = fs.closeSync;

fs.openSync = ((path: fs.PathLike, ...rest: unknown[]) => {
  const fd = (open as (...a: unknown[]) => number)(path, ...rest);
  if (String(path).endsWith('.tmp')) temps.add(fd);
  return fd;
}) as typeof fs.openSync;
fs.writeSync = ((fd: number, ...rest: unknown[]) => {
  if (temps.has(fd)) {
    throw Object.assign(new Error('ENOSPC: no space left on device, write'), {
      code: 'ENOSPC',
      errno: -28,
      syscall: 'write',
    });
  }
  return (write as (...a: unknown[]) => number)(fd, ...rest);
}) as typeof fs.writeSync;
fs.closeSync = ((fd: number) => {
  temps.delete(fd);
  close(fd);
}) as typeof fs.closeSync;
syncBuiltinESMExports();
