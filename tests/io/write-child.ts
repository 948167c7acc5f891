/**
 * A child process for tests/io/atomic-write-signals.test.ts (run with tsx):
 *
 * - `slow FILE`: writes FILE with `writeFileAtomic` from chunks, printing `writing` once the
 *   first chunk is in the temporary file, then producing a chunk every 20 ms for minutes, so
 *   a signal arrives mid-write;
 * - `folders DIR`: saves two sets of weights into the tfjs folder DIR alternately, forever,
 *   printing `saved` after the first save, so a SIGKILL lands anywhere in a save.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { checkSource } from '../../compiler/compile.js';
import { initialWeights } from '../../compiler/initial-weights.js';
import { Source } from '../../compiler/source.js';
import { writeFileAtomic } from '../../io/atomic-write.js';
import { writeTfjsFolder } from '../../io/tfjs-weights.js';

/** The model of the folder test: 2 x (256 x 256 + 256) weights, about 0.5 MB a shard. */
export const FOLDER_MODEL = `model big(x: [256]) {
  return y: x |> dense(256, name: "a") |> dense(256, name: "b")
}`;

const [mode, path] = process.argv.slice(2);

async function* slowChunks(): AsyncGenerator<Uint8Array> {
  yield new Uint8Array(1 << 20).fill(1);
  process.stdout.write('writing\n');
  for (let i = 0; i < 10_000; i++) {
    await sleep(20);
    yield new Uint8Array(1 << 16).fill(2);
  }
}

if (mode === 'slow') {
  await writeFileAtomic(path, slowChunks());
} else if (mode === 'folders') {
  const graph = checkSource(new Source('big.net', FOLDER_MODEL)).graphs[0];
  const sets = [initialWeights(graph, 1), initialWeights(graph, 2)];
  for (let i = 0; ; i++) {
    await writeTfjsFolder(path, graph, sets[i % 2]);
    if (i === 0) process.stdout.write('saved\n');
  }
}
