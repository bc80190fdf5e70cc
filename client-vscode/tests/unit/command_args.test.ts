import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeLrLimit, describeLrRange, describeValidateResult, toValidateArguments } from '../../src/command_args';

test('toValidateArguments_FromCodeLens_KeepsUriAndModelName', () => {
  assert.deepEqual(toValidateArguments(['file:///w/Mlp3.cs', 'Mlp3'], undefined), ['file:///w/Mlp3.cs', 'Mlp3']);
});

test('toValidateArguments_FromContextMenu_ConvertsUriObject', () => {
  const uriLike = { scheme: 'file', toString: () => 'file:///w/model.onnx' };
  assert.deepEqual(toValidateArguments([uriLike, [uriLike]], 'file:///w/Other.cs'), ['file:///w/model.onnx']);
});

test('toValidateArguments_FromPalette_UsesActiveEditor', () => {
  assert.deepEqual(toValidateArguments([], 'file:///w/Mlp3.cs'), ['file:///w/Mlp3.cs']);
});

test('toValidateArguments_NothingToValidate_GivesUndefined', () => {
  assert.equal(toValidateArguments([], undefined), undefined);
  assert.equal(toValidateArguments([''], undefined), undefined);
});

test('describeValidateResult_OneSummaryPerModel_UsesHeadlines', () => {
  const result = [
    { model: 'Mlp3', outcome: 'validation-confirmed', headline: 'loss curve within 5%', message: 'long text' },
    { model: 'Other', message: 'trainer not found' },
  ];
  assert.equal(describeValidateResult(result), 'Mlp3: loss curve within 5% — long text · Other: trainer not found');
  assert.equal(describeValidateResult([{ model: 'A', headline: 'same', message: 'same' }]), 'A: same');
  assert.equal(describeValidateResult([]), 'Validation finished: no model was validated.');
});

test('describeValidateResult_OtherShapes_AreStillShown', () => {
  assert.equal(describeValidateResult(undefined), 'Validation finished.');
  assert.equal(describeValidateResult('final loss 0.01'), 'final loss 0.01');
  assert.equal(describeValidateResult({ message: 'ok' }), 'ok');
  assert.equal(describeValidateResult({ passed: 3 }), 'Validation finished: {"passed":3}');
});

test('describeLrLimit_ServerResults_OneHeadlinePerModel', () => {
  const text = describeLrLimit([
    { modelName: 'A', headline: 'η_crit confirmed: measured 0.41 vs predicted 0.45 (±20%)' },
    { modelName: 'B', headline: 'did not complete: cancelled' },
  ]);
  assert.equal(text, 'Learning-rate limit — A: η_crit confirmed: measured 0.41 vs predicted 0.45 (±20%) · B: did not complete: cancelled');
});

test('describeLrRange_EmptyOrOdd_SaysSoWithoutThrowing', () => {
  assert.equal(describeLrRange([]), 'LR range test: no model was measured.');
  assert.equal(describeLrRange([{ modelName: 'A' }]), 'LR range test — A: done');
  assert.equal(describeLrRange(null), 'LR range test: no model was measured.');
});
