import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../runtime/index.js';
import { opModel, rand } from '../tests/runtime/helpers.js';
await initBackend('wasm');
const x = rand([2, 3, 6], 51);
const c = 3;
const m = opModel('batch_norm', [[3, 6]], { axis: 0, epsilon: 0.01 }, { gamma: tf.ones([c]), beta: tf.zeros([c]), moving_mean: tf.tensor([0, 0, 0]), moving_variance: tf.ones([3]) });
(m.predict(x) as tf.Tensor).print(); x.print();
const m2 = opModel('batch_norm', [[4,3]], { epsilon: 0.01 }, { gamma: tf.ones([c]), beta: tf.zeros([c]), moving_mean: tf.tensor([0, 0, 1]), moving_variance: tf.ones([3]) });
const x2 = rand([1,4,3], 3); (m2.predict(x2) as tf.Tensor).print(); x2.print();
const data = tf.tensor([[1, 2], [3, 4], [5, 6]]);
for (const bk of ['wasm', 'cpu']) { await tf.setBackend(bk); tf.unsortedSegmentSum(data, tf.tensor1d([2, 0, 2], 'int32'), 4).print(); }
