import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DocumentReport } from '../../src/lsp_ext';
import { reportToCsv } from '../../src/report_format';

test('reportToCsv_OneRowPerLayer_QuotesAndEmptyCells', () => {
  const report: DocumentReport = {
    path: '/m.cs',
    onnx: null,
    findings: [],
    models: [{
      name: 'Mlp', parameters: 10, parametersExact: true, depth: 1, phase: 'ordered', chi1: 0.5, trainableDepth: null,
      learningRate: null, validation: null, totalLayers: 1,
      layers: [{
        nodeId: 1, depth: 0, name: 'fc1', op: 'Linear', description: 'Linear(4, 2)', inputShape: '[?, 4]', outputShape: '[?, 2]',
        parameters: 10, init: null, predictedQ: 0.25, measuredQ: 0.26, probeQ: null, chi: null, weights: null,
      }],
    }],
  };
  const lines = reportToCsv(report).trimEnd().split('\n');
  assert.equal(lines.length, 2);
  assert.ok(lines[0].startsWith('model,depth,node,name,op,input_shape'));
  assert.equal(lines[1], 'Mlp,0,1,fc1,Linear,"[?, 4]","[?, 2]",10,,0.25,0.26,,,,,,,');
});
