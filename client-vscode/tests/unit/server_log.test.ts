import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseServerLogLine } from '../../src/server_log';

test('parseServerLogLine_ServerPrefix_GivesLevelAndMessage', () => {
  assert.deepEqual(parseServerLogLine('[02:41:07.188 info] analysed Mlp3.cs v1'), { level: 'info', message: 'analysed Mlp3.cs v1' });
  assert.deepEqual(parseServerLogLine('[02:41:07.188 error] handler threw'), { level: 'error', message: 'handler threw' });
  assert.deepEqual(parseServerLogLine('[warning] slow'), { level: 'warn', message: 'slow' });
});

test('parseServerLogLine_NoKnownPrefix_IsAnErrorKeptWhole', () => {
  assert.deepEqual(parseServerLogLine('Unhandled exception. System.IO.IOException: x'), {
    level: 'error',
    message: 'Unhandled exception. System.IO.IOException: x',
  });
});

test('parseServerLogLine_OtherBracketedTag_IsInfoKeptWhole', () => {
  assert.deepEqual(parseServerLogLine('[server] exiting with code 0'), { level: 'info', message: '[server] exiting with code 0' });
});
