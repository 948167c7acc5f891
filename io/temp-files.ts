/**
 * The temporary files of writes in progress, removed when the process is interrupted. While any
 * exists, SIGINT, SIGTERM and SIGHUP remove them all; then, unless the program has listeners of
 * its own for that signal (which then decide what happens), the process exits with status
 * 128 + the signal's number, as a shell reports a process killed by it. Normal exit removes any
 * left too. Nothing is installed while no write is in progress.
 */
import { unlinkSync } from 'node:fs';

const SIGNALS = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 } as const;
type Signal = keyof typeof SIGNALS;

const live = new Set<string>();

function removeAll(): void {
  for (const path of live) {
    try {
      unlinkSync(path);
    } catch {
      // Already gone, or never created: nothing to remove.
    }
  }
  live.clear();
}

const handlers = Object.fromEntries(
  (Object.keys(SIGNALS) as Signal[]).map((signal) => [
    signal,
    () => {
      removeAll();
      uninstall();
      if (process.listenerCount(signal) === 0) process.exit(128 + SIGNALS[signal]);
    },
  ]),
) as Record<Signal, () => void>;

function install(): void {
  for (const signal of Object.keys(SIGNALS) as Signal[]) process.on(signal, handlers[signal]);
  process.on('exit', removeAll);
}

function uninstall(): void {
  for (const signal of Object.keys(SIGNALS) as Signal[]) process.off(signal, handlers[signal]);
  process.off('exit', removeAll);
}

/** Registers a temporary file about to be created; a signal now removes it. */
export function trackTemp(path: string): void {
  if (live.size === 0) install();
  live.add(path);
}

/** The temporary file is gone (renamed into place or removed): forget it. */
export function untrackTemp(path: string): void {
  if (!live.delete(path)) return;
  if (live.size === 0) uninstall();
}

/** The temporary files of the writes in progress (for tests). */
export function liveTemps(): readonly string[] {
  return [...live];
}
