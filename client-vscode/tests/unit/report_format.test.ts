import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DocumentReport } from '../../src/lsp_ext';
import { chartToCsv, chartToJson, modelCharts, reportToCsv } from '../../src/report_format';

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

const baseModel = {
  name: 'M', parameters: 10, parametersExact: true, depth: 2, phase: 'ordered', chi1: 0.3, trainableDepth: 5,
  learningRate: null, validation: null, totalLayers: 2,
  layers: [
    { nodeId: 1, depth: 0, name: 'fc1', op: 'Linear', description: '', inputShape: '[4]', outputShape: '[8]', parameters: 40, init: null,
      predictedQ: 0.3, measuredQ: 0.31, probeQ: null, chi: 0.5, weights: null, predictedGradient: 0.5, measuredGradient: 0.55 },
    { nodeId: 3, depth: 2, name: 'fc2', op: 'Linear', description: '', inputShape: '[8]', outputShape: '[1]', parameters: 9, init: null,
      predictedQ: 0.1, measuredQ: 0.12, probeQ: null, chi: null, weights: null, predictedGradient: 1, measuredGradient: 1 },
  ],
};

test('modelCharts_AllServerData_GivesTheFiveChartsInOrder', () => {
  const tables = modelCharts({
    ...baseModel,
    lossCurve: { learningRate: 0.1, optimizer: 'SGD', measured: [1, 0.5, 0.25], predicted: [1, 0.6], predictionNote: null, task: 't' },
    phaseDiagram: { activation: 'Tanh', sigmaW2: 0.33, sigmaB2: 0.05, chi1: 0.3, phase: 'ordered', lineSigmaB2: [0, 0.1], lineSigmaW2: [1, 1.9] },
    lrRange: {
      modelName: 'M', rates: [0.01, 0.1, 1], losses: [1, 0.5, null], suggestedRate: 0.1, minLossRate: 0.1, divergenceRate: 1,
      predictedEtaCrit: 0.4, predictedDivergence: 1, headline: '', note: '', device: 'cpu', elapsedSeconds: 1,
    },
    lrLimit: null,
  });
  assert.deepEqual(tables.map(t => t.id), ['loss', 'q', 'gradient', 'phase', 'lr-range']);
  // Loss: as long as the longer series, null where the predicted one ends.
  assert.deepEqual(tables[0].rows, [[0, 1, 1], [1, 0.5, 0.6], [2, 0.25, null]]);
  // Phase: the model's point is inserted at its sigma_b^2, between the line's samples, with no line value there.
  assert.deepEqual(tables[3].rows, [[0, 1, null], [0.05, null, 0.33], [0.1, 1.9, null]]);
  // LR range: the suggested rate is marked at its own loss; the predicted limit travels as a mark.
  assert.deepEqual(tables[4].rows, [[0.01, 1, null], [0.1, 0.5, 0.5], [1, null, null]]);
  assert.equal(tables[4].marks.predicted_eta_crit, 0.4);
  assert.equal(chartToCsv(tables[4]), 'learning_rate,loss,suggested\n0.01,1,\n0.1,0.5,0.5\n1,,\n');
  assert.deepEqual(JSON.parse(chartToJson(tables[2])).rows, [[0, 0.5, 0.55], [2, 1, 1]]);
});

test('modelCharts_NoValidationNoExperiments_OnlyPredictions', () => {
  const tables = modelCharts({ ...baseModel, layers: baseModel.layers.map(l => ({ ...l, measuredQ: null, measuredGradient: null })) });
  assert.deepEqual(tables.map(t => t.id), ['q', 'gradient']);
  assert.deepEqual(tables[0].rows.map(r => r[2]), [null, null]);
});
