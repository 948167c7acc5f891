import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../runtime/index.js';
await initBackend('wasm');
const ids = tf.tensor1d([2, 0, 2], 'int32');
const hot = tf.cast(tf.oneHot(ids, 4), 'float32'); hot.print();
tf.matMul(hot, tf.tensor([[1, 2], [3, 4], [5, 6]]), true, false).print();
console.log(tf.getKernel('UnsortedSegmentSum','wasm') ? 'registered' : 'no');
