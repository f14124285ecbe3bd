import { describe as nodeDescribe, it as nodeIt } from 'node:test';

/**
 * The two test-runner functions the conformance suites need. Defaults to `node:test`; pass
 * another runner's (or a recorder, to test a suite itself).
 */
export interface TestApi {
  readonly describe: (name: string, fn: () => void) => unknown;
  readonly it: (name: string, fn: () => Promise<void>) => unknown;
}

export const NODE_TEST: TestApi = { describe: nodeDescribe, it: nodeIt };
