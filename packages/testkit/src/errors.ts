import { defineErrors } from '@weir/core';

/** Errors raised by `@weir/testkit`'s fakes. */
export const TestkitErrors = defineErrors('@weir/testkit', {
  // Not retryable: a crashed "process" must be restarted (`MemoryStorage.restart()`), not retried.
  SIMULATED_CRASH: {
    domain: 'internal',
    retryable: false,
    message: 'Simulated crash (fault plan) at storage call <call> (<operation> <path>); restart() to continue',
  },
});
