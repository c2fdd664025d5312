/**
 * The command-line tools at a terminal: --help prints the whole usage (defaults, environment) and
 * exits 0; an unknown flag prints the problem and the usage on stderr and exits 2, never a stack trace.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const run = (cli: string, args: string[]) =>
  spawnSync(process.execPath, [path.resolve('dist/src/cli', cli), ...args], { encoding: 'utf8', env: { ...process.env, SEGMENTQL_URL: '' } });

describe.each([
  ['recluster.js', ['SEGMENTQL_URL', 'SEGMENTQL_API_KEY', '--url', '--k-min', 'default']],
  ['evaluate.js', ['--dataset', '--strategies', 'default', 'environment']],
  ['emit-schema.js', ['schema/schema.graphql']],
])('%s', (cli, mentions) => {
  it('prints a full --help and exits 0', () => {
    const result = run(cli, ['--help']);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^usage: /);
    for (const word of mentions) expect(result.stdout).toContain(word);
  });

  it('answers an unknown flag with the usage and exit 2, without a stack trace', () => {
    const result = run(cli, ['--no-such-flag']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('--no-such-flag');
    expect(result.stderr).toContain('usage: ');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('recluster.js', () => {
  it('answers a bad value with the usage and exit 2', () => {
    const result = run('recluster.js', ['--k', 'eight']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('--k needs an integer');
  });
});
