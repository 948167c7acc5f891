const REASONS: Readonly<Record<string, string>> = {
  EISDIR: 'is a folder',
  ENOTDIR: 'a part of the path is not a folder',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOSPC: 'no space left on the device',
  EPIPE: 'the reader closed the pipe',
};

/**
 * Why a system call failed, in the words netc's messages use (`no such file`, `is a folder`...),
 * or undefined when `e` is no system error. `folder`: the path may name a folder, so a missing
 * one is a `no such file or folder`.
 */
export function systemErrorReason(e: unknown, folder = false): string | undefined {
  const code = e instanceof Error && 'code' in e ? e.code : undefined;
  if (typeof code !== 'string' || !code.startsWith('E')) return undefined;
  if (code === 'ENOENT') return `no such file${folder ? ' or folder' : ''}`;
  return REASONS[code] ?? (e instanceof Error ? e.message : code);
}
