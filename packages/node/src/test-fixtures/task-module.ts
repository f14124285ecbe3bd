// A task module for the executor tests (excluded from the build with the tests).
import { CoreErrors, type TaskContext } from '@weir/core';

export const calls = { flaky: 0, foreign: 0 };

export const taskHandlers = {
  double: async (input: unknown, ctx: TaskContext) => ({ doubled: (input as number) * 2, hasStorage: typeof ctx.engine.storage.put === 'function' }),
  flaky: async (failTimes: unknown) => {
    calls.flaky++;
    if (calls.flaky <= (failTimes as number)) throw CoreErrors.STORAGE_IO_ERROR({ operation: 'read', path: 'x', reason: 'flaky', errno: 'EIO' });
    return `ok after ${calls.flaky}`;
  },
  foreign: async () => {
    calls.foreign++;
    throw new TypeError('boom');
  },
  never: () => new Promise(() => undefined),
};
