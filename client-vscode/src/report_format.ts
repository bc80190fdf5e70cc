// Turns a report into CSV for export. No runtime `vscode` import: used by the webview and unit-tested in plain Node.
import type { DocumentReport } from './lsp_ext';

const COLUMNS = [
  'model', 'depth', 'node', 'name', 'op', 'input_shape', 'output_shape', 'parameters', 'init',
  'predicted_q', 'measured_q', 'onnxruntime_q', 'chi', 'sigma_w2', 'spectral_norm', 'stable_rank', 'alpha', 'alpha_status',
] as const;

/** One row per layer and model; numbers in full precision, empty cells where unknown. */
export function reportToCsv(report: DocumentReport): string {
  const lines = [COLUMNS.join(',')];
  for (const model of report.models) {
    for (const l of model.layers) {
      const w = l.weights;
      const cells: (string | number | null | undefined)[] = [
        model.name, l.depth, l.nodeId, l.name, l.op, l.inputShape, l.outputShape, l.parameters, l.init,
        l.predictedQ, l.measuredQ, l.probeQ, l.chi, w?.sigmaW2, w?.spectralNorm, w?.stableRank, w?.alpha, w?.alphaStatus,
      ];
      lines.push(cells.map(csvCell).join(','));
    }
  }
  return lines.join('\n') + '\n';
}

function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) {
    return '';
  }
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
