/**
 * The sample architectures against published or independently computed figures, in the Keras
 * convention: params = trainable + non-trainable, a BatchNormalization layer holding 4 values per
 * channel of which the 2 moving statistics are non-trainable (3 and 1 with `scale=False`). The
 * totals are typed below; the per-layer and per-stage tables are in
 * tests/fixtures/reference/*.json, each naming its source. Where the figures come from:
 *
 * - inception_v3, inception_resnet_v2, resnet50: `model.summary()` of keras.applications
 *   InceptionV3, InceptionResNetV2 and ResNet50 with their 1000-class tops
 *   (https://keras.io/api/applications/).
 * - mlp_mnist: the Keras mnist_mlp example (784-512-512-10, 669,706 params), the MLP of seed
 *   note 004.
 * - lenet_bn, resnet18_d2l: "Dive into Deep Learning" (https://d2l.ai), chapters "Batch
 *   Normalization" and "Residual Networks (ResNet)". The book's PyTorch counts (44,878 and
 *   11,178,378) are the trainable counts here; the Keras convention adds the BN statistics.
 * - resnext50: the per-layer `model.summary()` listing of a Keras ResNeXt-50 32x4d in seed
 *   note 001.
 * - ecg_resnet: the per-layer output shapes of seed note 000 (the Keras model of Aiwiscal's ECG
 *   classifier, MIT_Scheme config, itself cut down from the Stanford ML Group network of
 *   Hannun et al., Nature Medicine 2019), params counted by the Keras rules.
 * - resnet_v1, resnet_v2: the `res_block_v1` / `res_block_v2` Keras code of seed note 004 on a
 *   32x32x3 input, params counted by the Keras rules.
 * - resnet50_attention, irv2_finetune: a keras.applications base without its top plus the
 *   heads of seed note 004, whose params are derived by hand in the last tests below.
 *
 * - dcgan_generator: the generator of the PyTorch DCGAN tutorial at ngf 64 (3,576,704
 *   parameters by PyTorch's count, the trainable count here).
 * - vit_b16: torchvision's vit_b_16 (`sum(p.numel() for p in vit_b_16(weights=None).parameters())`
 *   is 86,567,656; no batch norm, so all trainable).
 * - convnext_tiny: torchvision's convnext_tiny (28,589,128 parameters by the same count; layer
 *   norm only, so all trainable).
 * - mobilenet_v3_large: torchvision's mobilenet_v3_large (5,483,032 parameters by the same
 *   count, the trainable count here; its batch norms hold 24,400 running statistics).
 * - imdb_bilstm: Keras' "Bidirectional LSTM on IMDB" example (2,757,761 parameters);
 *   char_gru: two 256-unit GRUs over a 96-character alphabet, as PyTorch's nn.GRU or Keras'
 *   reset_after GRU count them (672,864). Recurrent layers, issue 14.
 * - gpt2_small: GPT-2 small (Radford et al. 2019; Hugging Face's `GPT2LMHeadModel` with the
 *   `gpt2` config counts 124,439,808 parameters, the output projection tied to the token
 *   embedding and counted once; no batch norm, so all trainable).
 *
 * The seed notes are the five blog posts (numbered 000 to 004) the project was started from;
 * they are not part of the repository.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkSource } from '../../compiler/compile.js';
import { formatDiagnostic } from '../../compiler/diagnostics/format.js';
import type { Shape } from '../../compiler/ir/shape.js';
import { Source } from '../../compiler/source.js';
import { summarize, type ModelSummary } from '../../compiler/summary.js';

const repo = new URL('../../', import.meta.url);
const samplePath = (file: string): string => fileURLToPath(new URL(`samples/${file}`, repo));

interface LayerFixture {
  readonly total: number;
  readonly trainable: number;
  readonly nonTrainable: number;
  readonly layers: readonly {
    index: number;
    layer: string;
    type: string;
    outputShape: Shape;
    params: number;
    trainable: number;
  }[];
}

interface StageFixture {
  readonly total: number;
  readonly trainable: number;
  readonly nonTrainable: number;
  readonly stages: readonly {
    stage: string;
    outputShape: Shape;
    params: number;
    cumulative: number;
    cumulativeTrainable: number;
  }[];
}

function fixture<T>(name: string): T {
  const url = new URL(`tests/fixtures/reference/${name}`, repo);
  return JSON.parse(readFileSync(url, 'utf8')) as T;
}

const compiled = new Map<string, ModelSummary>();

/**
 * Compile a sample (the one model it defines) and summarise it, one row per IR node in
 * topological order. `edit` rewrites the source first (to try another input size).
 */
function compile(file: string, edit?: (text: string) => string): ModelSummary {
  const key = `${file}${edit ? `#${edit.toString()}` : ''}`;
  const hit = compiled.get(key);
  if (hit) return hit;
  const path = samplePath(file);
  const text = readFileSync(path, 'utf8');
  const r = checkSource(new Source(path, edit ? edit(text) : text));
  expect(
    r.diagnostics.map((d) => formatDiagnostic(d)),
    `diagnostics of ${file}`,
  ).toEqual([]);
  expect(r.graphs).toHaveLength(1);
  const s = summarize(r.graphs[0]);
  compiled.set(key, s);
  return s;
}

/** Keras summaries show the batch dimension as None. */
const withBatch = (shape: Shape): Shape => [null, ...shape];

// ---------------------------------------------------------------------------------------
// Totals and outputs of every sample.

const totals: {
  file: string;
  model: string;
  total: number;
  trainable: number;
  output: Shape;
}[] = [
  {
    file: 'ecg_resnet.net',
    model: 'ecg_resnet',
    total: 1_377_713,
    trainable: 1_376_249,
    output: [5],
  },
  {
    file: 'resnext50.net',
    model: 'resnext50',
    total: 25_097_192,
    trainable: 25_028_968,
    output: [1000],
  },
  { file: 'lenet_bn.net', model: 'lenet_bn', total: 45_330, trainable: 44_878, output: [10] },
  {
    file: 'resnet18_d2l.net',
    model: 'resnet18_d2l',
    total: 11_186_186,
    trainable: 11_178_378,
    output: [10],
  },
  {
    file: 'inception_v3.net',
    model: 'inception_v3',
    total: 23_851_784,
    trainable: 23_817_352,
    output: [1000],
  },
  { file: 'mlp_mnist.net', model: 'mlp_mnist', total: 669_706, trainable: 669_706, output: [10] },
  { file: 'resnet_v1.net', model: 'resnet_v1', total: 347_594, trainable: 347_402, output: [10] },
  { file: 'resnet_v2.net', model: 'resnet_v2', total: 347_658, trainable: 347_434, output: [10] },
  {
    file: 'inception_resnet_v2.net',
    model: 'inception_resnet_v2',
    total: 55_873_736,
    trainable: 55_813_192,
    output: [1000],
  },
  {
    file: 'resnet50_attention.net',
    model: 'resnet50_attention',
    total: 23_688_113,
    trainable: 23_634_993,
    output: [7, 7, 2048],
  },
  {
    file: 'irv2_finetune.net',
    model: 'irv2_finetune',
    total: 55_920_874,
    trainable: 55_860_330,
    output: [10],
  },
  {
    file: 'resnet50.net',
    model: 'resnet50',
    total: 25_636_712,
    trainable: 25_583_592,
    output: [1000],
  },
  {
    file: 'dcgan_generator.net',
    model: 'dcgan_generator',
    total: 3_578_624,
    trainable: 3_576_704,
    output: [64, 64, 3],
  },
  {
    file: 'vit_b16.net',
    model: 'vit_b16',
    total: 86_567_656,
    trainable: 86_567_656,
    output: [1000],
  },
  {
    file: 'gpt2_small.net',
    model: 'gpt2_small',
    total: 124_439_808,
    trainable: 124_439_808,
    output: ['T', 50257],
  },
  {
    file: 'convnext_tiny.net',
    model: 'convnext_tiny',
    total: 28_589_128,
    trainable: 28_589_128,
    output: [1000],
  },
  {
    file: 'mobilenet_v3_large.net',
    model: 'mobilenet_v3_large',
    total: 5_507_432,
    trainable: 5_483_032,
    output: [1000],
  },
  // Recurrent layers (issue 14).
  // embedding 20000*128 + 2 * 2 * 4*(128*64 + 64*64 + 64) + dense 128 + 1
  {
    file: 'imdb_bilstm.net',
    model: 'imdb_bilstm',
    total: 2_757_761,
    trainable: 2_757_761,
    output: [1],
  },
  // embedding 96*64 + 3*(64*256 + 256*256 + 2*256) + 3*(256*256 + 256*256 + 2*256) + 256*96 + 96
  {
    file: 'char_gru.net',
    model: 'char_gru',
    total: 672_864,
    trainable: 672_864,
    output: [96],
  },
];

describe('sample totals (Keras convention)', () => {
  it.each(totals)(
    '$file: $total params, $trainable trainable',
    ({ file, model, total, trainable, output }) => {
      const s = compile(file);
      expect(s.model).toBe(model);
      expect(s.totalParams).toBe(total);
      expect(s.trainableParams).toBe(trainable);
      expect(s.nonTrainableParams).toBe(total - trainable);
      expect(s.outputs.map((o) => o.shape)).toEqual([output]);
    },
  );

  it.each(totals)('$file starts with a comment saying what it is', ({ file }) => {
    expect(readFileSync(samplePath(file), 'utf8')).toMatch(/^# \S/);
  });
});

// ---------------------------------------------------------------------------------------
// Per-layer tables: every IR node, in order, against the Keras layer of the reference.

/** The Keras layer class an op becomes (fused activations stay inside Conv2D / Dense). */
const kerasType: Record<string, string> = {
  input: 'InputLayer',
  conv1d: 'Conv1D',
  conv2d: 'Conv2D',
  dense: 'Dense',
  batch_norm: 'BatchNormalization',
  relu: 'Activation',
  sigmoid: 'Activation',
  softmax: 'Activation',
  tanh: 'Activation',
  dropout: 'Dropout',
  max_pool1d: 'MaxPooling1D',
  max_pool2d: 'MaxPooling2D',
  global_avg_pool1d: 'GlobalAveragePooling1D',
  global_avg_pool2d: 'GlobalAveragePooling2D',
  zero_pad_channels: 'Lambda',
  flatten: 'Flatten',
  add: 'Add',
};

const layerCases: { file: string; fixture: string }[] = [
  { file: 'ecg_resnet.net', fixture: 'ecg_resnet.layers.json' },
  { file: 'lenet_bn.net', fixture: 'lenet_bn.layers.json' },
  { file: 'mlp_mnist.net', fixture: 'mlp_mnist.layers.json' },
  { file: 'resnet_v1.net', fixture: 'resnet_v1.layers.json' },
  { file: 'resnet_v2.net', fixture: 'resnet_v2.layers.json' },
];

describe('per-layer reference tables', () => {
  // Our topological order is the order the layers are written in, which for these samples
  // is the order of the Keras tables (shortcut branches included), so the comparison is
  // row by row, not as a multiset.
  it.each(layerCases)('$file matches $fixture layer by layer', ({ file, fixture: name }) => {
    const ref = fixture<LayerFixture>(name);
    const s = compile(file);
    const ours = s.layers.map((l) => ({
      type: kerasType[l.op] ?? `<${l.op}>`,
      outputShape: withBatch(l.outputShape),
      params: l.params,
      trainable: l.trainableParams,
    }));
    const theirs = ref.layers.map((l) => ({
      type: l.type,
      outputShape: l.outputShape,
      params: l.params,
      trainable: l.trainable,
    }));
    expect(ours).toEqual(theirs);
    expect(s.totalParams).toBe(ref.total);
    expect(s.trainableParams).toBe(ref.trainable);
    expect(s.nonTrainableParams).toBe(ref.nonTrainable);
  });

  it('ecg_resnet layer names mirror the reference (b3.conv0 for b3_conv0)', () => {
    const ref = fixture<LayerFixture>('ecg_resnet.layers.json');
    const ours = compile('ecg_resnet.net').layers.map((l) => l.name.replaceAll('.', '_'));
    // Row 0 is the model input, named after the model parameter.
    expect(ours.slice(1)).toEqual(ref.layers.slice(1).map((l) => l.layer));
  });
});

// ---------------------------------------------------------------------------------------
// Stage tables: cumulative params and output shape where each stage ends.

/**
 * The stage ending at the last node named `name` or inside the block instance `name`:
 * its output shape and the params of every node up to it (nodes are in topological order,
 * and the samples lay stages out one after the other).
 */
function stageEnd(
  s: ModelSummary,
  name: string,
): { shape: Shape; cumulative: number; trainable: number } {
  let last = -1;
  s.layers.forEach((l, i) => {
    if (l.name === name || l.name.startsWith(`${name}.`)) last = i;
  });
  expect(last, `no layer or block instance named '${name}' in ${s.model}`).toBeGreaterThanOrEqual(
    0,
  );
  const upTo = s.layers.slice(0, last + 1);
  return {
    shape: withBatch(s.layers[last].outputShape),
    cumulative: upTo.reduce((n, l) => n + l.params, 0),
    trainable: upTo.reduce((n, l) => n + l.trainableParams, 0),
  };
}

const resnet18At224 = (text: string): string => text.replace('[96, 96, 1]', '[224, 224, 1]');

const stageCases: {
  file: string;
  fixture: string;
  ends: string[];
  edit?: (text: string) => string;
}[] = [
  {
    file: 'ecg_resnet.net',
    fixture: 'ecg_resnet.stages.json',
    ends: ['stem_relu', 'b0', 'b1', 'b2', 'b3', 'b4', 'b5', 'b6', 'b7', 'gap', 'softmax'],
  },
  {
    file: 'resnext50.net',
    fixture: 'resnext50.stages.json',
    ends: ['stem.conv1', 'stem', 'stack1', 'stack2', 'stack3', 'stack4', 'predictions'],
  },
  {
    file: 'inception_v3.net',
    fixture: 'inception_v3.stages.json',
    ends: ['stem', ...Array.from({ length: 11 }, (_, i) => `mixed${i}`), 'predictions'],
  },
  {
    file: 'inception_resnet_v2.net',
    fixture: 'inception_resnet_v2.stages.json',
    ends: [
      'base.stem',
      'base.mixed_5b',
      'base.block35_10',
      'base.mixed_6a',
      'base.block17_20',
      'base.mixed_7a',
      'base.block8_10',
      'base.conv_7b',
      'predictions',
    ],
  },
  {
    file: 'resnet18_d2l.net',
    fixture: 'resnet18_d2l_96.stages.json',
    ends: ['b1_pool', 'resnet_block1', 'resnet_block2', 'resnet_block3', 'resnet_block4', 'fc'],
  },
  {
    file: 'resnet18_d2l.net',
    fixture: 'resnet18_d2l_224.stages.json',
    ends: ['b1_pool', 'resnet_block1', 'resnet_block2', 'resnet_block3', 'resnet_block4', 'fc'],
    edit: resnet18At224,
  },
  {
    file: 'resnet_v1.net',
    fixture: 'resnet_v1.stages.json',
    ends: ['stem', 'block1', 'block2', 'flatten_0', 'predictions'],
  },
  {
    file: 'resnet_v2.net',
    fixture: 'resnet_v2.stages.json',
    ends: ['stem', 'block1', 'block2', 'flatten_0', 'predictions'],
  },
];

describe('stage reference tables', () => {
  it.each(stageCases)(
    '$file matches $fixture at the stage boundaries',
    ({ file, fixture: name, ends, edit }) => {
      const ref = fixture<StageFixture>(name);
      expect(ends).toHaveLength(ref.stages.length);
      const s = compile(file, edit);
      let before = 0;
      const ours = ends.map((end, i) => {
        const at = stageEnd(s, end);
        const row = {
          stage: ref.stages[i].stage,
          outputShape: at.shape,
          params: at.cumulative - before,
          cumulative: at.cumulative,
          cumulativeTrainable: at.trainable,
        };
        before = at.cumulative;
        return row;
      });
      expect(ours).toEqual(ref.stages);
      // The last stage ends the model.
      expect(stageEnd(s, ends[ends.length - 1]).cumulative).toBe(s.totalParams);
      expect(s.totalParams).toBe(ref.total);
      expect(s.trainableParams).toBe(ref.trainable);
      expect(s.nonTrainableParams).toBe(ref.nonTrainable);
    },
  );

  it('irv2_finetune: the 1536-channel base, then the seed head (1,573,888 + 1,025 per class)', () => {
    const s = compile('irv2_finetune.net');
    const base = stageEnd(s, 'base');
    expect(base.shape).toEqual([null, null, null, 1536]);
    expect(base.cumulative).toBe(54_336_736);
    expect(stageEnd(s, 'fc').cumulative).toBe(54_336_736 + 1_573_888);
    expect(s.totalParams).toBe(54_336_736 + 1_573_888 + 1_025 * 10);
  });

  it('resnet50_attention: the ResNet-50 base of resnet50.net, then a 49-way attention head', () => {
    const attention = compile('resnet50_attention.net');
    const plain = compile('resnet50.net');
    const base = stageEnd(attention, 'base');
    expect(base).toEqual(stageEnd(plain, 'base'));
    expect(base.shape).toEqual([null, 7, 7, 2048]);
    // Dense(H*W = 49, softmax) on the 2048 pooled channels is the only weighted layer added.
    expect(attention.totalParams - base.cumulative).toBe(2048 * 49 + 49);
    expect(plain.totalParams - base.cumulative).toBe(2048 * 1000 + 1000);
  });
});
