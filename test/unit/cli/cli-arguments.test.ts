// Parsing of CLI argument values: parallelism, job ids, -m addresses, -D pairs, paths sent to the cluster.
import { InvalidArgumentError } from 'commander';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jobId, positiveInt } from '../../../src/cli/cli-arguments.ts';
import { parseDefines, parseJobManagerAddress } from '../../../src/cli/cli-configuration.ts';
import { clusterPath } from '../../../src/cli/cli-context.ts';
import { rootCauseLine } from '../../../src/cli/commands/run-remote.ts';

describe('CLI argument parsers', () => {
  it('positiveInt takes whole numbers >= 1 only', () => {
    expect(positiveInt('3')).toBe(3);
    for (const bad of ['0', '-1', '1.5', 'zero', '', ' ']) expect(() => positiveInt(bad)).toThrow(InvalidArgumentError);
  });

  it('jobId takes 32 hex characters and lower-cases them', () => {
    expect(jobId('ABCDEF0123456789abcdef0123456789')).toBe('abcdef0123456789abcdef0123456789');
    expect(() => jobId('abc')).toThrow("expected a job id of 32 hex characters, got 'abc'");
    expect(() => jobId('g'.repeat(32))).toThrow(InvalidArgumentError);
  });

  it('-m takes host:port or an http(s) URL without a path', () => {
    expect(parseJobManagerAddress('localhost:8081')).toBe('http://localhost:8081');
    expect(parseJobManagerAddress('127.0.0.1:18081')).toBe('http://127.0.0.1:18081');
    expect(parseJobManagerAddress('http://jm:8081/')).toBe('http://jm:8081');
    expect(parseJobManagerAddress('https://jm.example.com:443')).toBe('https://jm.example.com:443');
    expect(parseJobManagerAddress('[::1]:8081')).toBe('http://[::1]:8081');
    for (const bad of ['localhost', 'jm:notaport', 'ftp://jm:21', 'jm:8081/path', 'http://jm:8081/v1']) {
      expect(() => parseJobManagerAddress(bad), bad).toThrow(InvalidArgumentError);
    }
  });

  it('-D takes key=value (the value may hold "=") and refuses anything else', () => {
    expect(parseDefines(['rest.port=1', 'a.b= x=y '])).toEqual({ 'rest.port': '1', 'a.b': 'x=y' });
    expect(() => parseDefines(['novalue'])).toThrow("-D expects key=value, got 'novalue'");
    expect(() => parseDefines(['=1'])).toThrow(InvalidArgumentError);
  });

  it('paths for the cluster: relative ones are made absolute, URIs pass unchanged', () => {
    expect(clusterPath('sp')).toBe(resolve('sp'));
    expect(clusterPath('/tmp/sp')).toBe('/tmp/sp');
    expect(clusterPath('file:///tmp/sp')).toBe('file:///tmp/sp');
    expect(clusterPath('s3://bucket/sp')).toBe('s3://bucket/sp');
  });

  it('a failure becomes one line: its first line, plus the innermost cause when that adds something', () => {
    expect(rootCauseLine(undefined)).toBe('no failure cause was reported');
    expect(rootCauseLine('RangeError: no 42 please\n    at map (job.ts:3:9)')).toBe('RangeError: no 42 please');
    const chained = [
      'JobExecutionException: Job execution failed.',
      '    at a (x.ts:1:1)',
      'Caused by: TaskFailedError: task Map (1/2) failed',
      'Caused by: RangeError: no 42 please',
      '    at map (job.ts:3:9)',
    ].join('\n');
    expect(rootCauseLine(chained)).toBe('JobExecutionException: Job execution failed. (root cause: RangeError: no 42 please)');
    expect(rootCauseLine("operator 'Refuser' threw RangeError: no 42 please\nCaused by: RangeError: no 42 please")).toBe(
      "operator 'Refuser' threw RangeError: no 42 please",
    );
  });
});
