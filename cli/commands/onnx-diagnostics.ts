/**
 * ONNX export problems as compiler diagnostics, located at the node's source (no TensorFlow.js
 * here: `netc compile` reports them before loading it).
 */
import type { Diagnostic } from '../../compiler/diagnostics/diagnostic.js';
import type { Graph, IRNode } from '../../compiler/ir/graph.js';
import { unsupportedMessage, unsupportedOnnxNodes } from '../../codegen/onnx/export.js';
import type { DiagnosticCode } from '../../compiler/diagnostics/codes.js';

/** `file:line:col: error[E5001]: ...` at the node, with the chain of block expansions. */
export function exportDiagnostic(node: IRNode, message: string, code: DiagnosticCode): Diagnostic {
  return {
    severity: 'error',
    code,
    message,
    span: node.span,
    notes: [{ message: `while exporting node ${node.name} (${node.op}) to ONNX` }],
    expansion: node.expansion,
  };
}

/** One diagnostic per node whose op has no ONNX lowering. */
export function unsupportedDiagnostics(graph: Graph): Diagnostic[] {
  return unsupportedOnnxNodes(graph).map((n) => ({
    ...exportDiagnostic(n, unsupportedMessage(n), 'E5001'),
    notes: [],
  }));
}
