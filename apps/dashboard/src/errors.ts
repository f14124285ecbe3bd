import { defineErrors } from '@weir/core';

/** Error codes raised by @weir/dashboard. */
export const DashboardErrors = defineErrors('@weir/dashboard', {
  DASHBOARD_LISTEN_FAILED: {
    domain: 'user',
    retryable: false,
    message: 'The dashboard cannot listen on <host>:<port>: <reason>. Choose another port (0 picks a free one)',
  },
});
