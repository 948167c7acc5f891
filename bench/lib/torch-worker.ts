/**
 * A PyTorch process (bench/pytorch/train.py) driven one command at a time, so that the training
 * bench can interleave its steps with netc's: `send` writes a line and resolves with the JSON
 * object the script prints back.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export class TorchWorker {
  private readonly waiting: ((line: string) => void)[] = [];
  private stderr = '';
  private exited: string | undefined;

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    createInterface({ input: child.stdout }).on('line', (line) => this.waiting.shift()?.(line));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (this.stderr += s));
    child.on('exit', (code) => {
      this.exited = `exited with ${code}: ${this.stderr.trim().split('\n').slice(-3).join(' ')}`;
      for (const w of this.waiting.splice(0)) w('');
    });
  }

  /** Starts the script with the first interpreter that has torch, or returns why none does. */
  static async start(
    root: string,
    pythons: readonly string[],
    threads: number,
  ): Promise<TorchWorker | string> {
    const reasons: string[] = [];
    for (const python of pythons) {
      const child = spawn(python, [join(root, 'bench/pytorch/train.py'), String(threads)], {
        cwd: root,
        env: { ...process.env, OMP_NUM_THREADS: String(threads) },
      });
      const started = await new Promise<boolean>((resolve) => {
        child.on('error', () => resolve(false));
        child.on('spawn', () => resolve(true));
      });
      if (!started) {
        reasons.push(`${python}: not found`);
        continue;
      }
      const worker = new TorchWorker(child);
      try {
        await worker.send('model resnet18_d2l'); // imports torch; fails fast without it
        return worker;
      } catch (e) {
        reasons.push(`${python}: ${(e as Error).message}`);
        child.kill();
      }
    }
    return reasons.join('; ');
  }

  /** Sends one command; the JSON reply. */
  send(command: string): Promise<Record<string, number>> {
    if (this.exited) return Promise.reject(new Error(`PyTorch ${this.exited}`));
    return new Promise((resolve, reject) => {
      this.waiting.push((line) => {
        if (!line) return reject(new Error(`PyTorch ${this.exited ?? 'sent nothing'}`));
        const reply = JSON.parse(line) as Record<string, number> & { error?: string };
        if (reply.error) reject(new Error(`PyTorch: ${reply.error}`));
        else resolve(reply);
      });
      this.child.stdin.write(command + '\n');
    });
  }

  /** Ends the process. */
  close(): void {
    this.child.stdin.end('quit\n');
  }
}
