// Routes the server's stderr lines to the output channel at the level the server wrote them.
// Design note: vscode-languageclient logs every stderr line as an error by default, but the server writes all its
// logs to stderr (stdout is the JSON-RPC transport), so "[12:00:00.000 info] analysed ..." would read as an error.
// No runtime `vscode` import: the parsing is unit-tested in plain Node.
import * as readline from 'node:readline';
import type { Readable } from 'node:stream';
import type { LogOutputChannel } from 'vscode';

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

/** A server log line, `[HH:mm:ss.fff level] message` (server/LearningMechanics.Server/Log.cs), split into its parts. */
export interface ServerLogLine {
  readonly level: LogLevel;
  readonly message: string;
}

const LEVELS: Readonly<Record<string, LogLevel>> = {
  trace: 'trace',
  debug: 'debug',
  info: 'info',
  information: 'info',
  warn: 'warn',
  warning: 'warn',
  error: 'error',
  fail: 'error',
  fatal: 'error',
  crit: 'error',
  critical: 'error',
};

/**
 * Reads the level from the line's prefix and drops the prefix (the output channel adds its own time stamp).
 * Another bracketed tag (`[server] exiting with code 0`) is info, kept whole. A line without a prefix (a .NET crash
 * dump, an unhandled exception's stack) is an error, kept whole.
 */
export function parseServerLogLine(line: string): ServerLogLine {
  const match = /^\[(?:[\d:.]+ )?([A-Za-z]+)\] ?(.*)$/.exec(line);
  if (match === null) {
    return { level: 'error', message: line };
  }
  const level = LEVELS[match[1].toLowerCase()];
  return level === undefined ? { level: 'info', message: line } : { level, message: match[2] };
}

/** `stdioOptions.stderr` for vscode-languageclient: one output-channel entry per stderr line. */
export function pipeServerStderr(input: Readable, channel: LogOutputChannel): void {
  readline
    .createInterface({ input, crlfDelay: Infinity, terminal: false, historySize: 0 })
    .on('line', line => {
      const { level, message } = parseServerLogLine(line);
      channel[level](message);
    });
}

/** `stdioOptions.stdout`; only used by transports other than stdio, where stdout is free for logs. */
export function pipeServerStdout(input: Readable, channel: LogOutputChannel): void {
  readline.createInterface({ input, crlfDelay: Infinity, terminal: false, historySize: 0 }).on('line', line => channel.info(line));
}
