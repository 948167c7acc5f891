/**
 * `netc/compiler`: what a tool author needs without TensorFlow.js (an editor extension, a CI
 * check, a code generator): check a `.net` source, summarise and format it, compile a model to
 * a TypeScript module or to ONNX. Loads neither @tensorflow/tfjs nor onnxruntime.
 */
export {
  checkFile,
  checkSource,
  type CheckOptions,
  type CheckResult,
} from '../compiler/compile.js';
export { Source, describeSpan, type Span } from '../compiler/source.js';
export { formatSource, type FormatResult } from '../compiler/format-source.js';
export type {
  Diagnostic,
  ExpansionFrame,
  Note,
  Severity,
} from '../compiler/diagnostics/diagnostic.js';
export {
  diagnosticJson,
  formatDiagnostic,
  githubAnnotation,
  type TextStyle,
} from '../compiler/diagnostics/format.js';
export { summarize, type LayerRow, type ModelSummary } from '../compiler/summary.js';
export { renderSummary } from '../compiler/summary-table.js';
export type { Graph, GraphPort, IRNode } from '../compiler/ir/graph.js';
export type { Dim, Shape } from '../compiler/ir/shape.js';
export { generateModule, type GenerateOptions } from '../codegen/generate.js';
export * from './shared.js';
