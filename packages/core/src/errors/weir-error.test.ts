import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
import { WeirError, isSerializedWeirError } from './weir-error.js';
import { defineErrors, messageParameters, registeredCatalogues } from './define-errors.js';
import { CoreErrors } from './core-errors.js';

/** What structured cloning (postMessage to a worker) does to a value. */
function cloneAcrossThreads<T>(value: T): unknown {
  const { port1, port2 } = new MessageChannel();
  port1.postMessage(value);
  const msg = receiveMessageOnPort(port2);
  port1.close();
  return msg?.message;
}

describe('WeirError', () => {
  it('carries code, domain, retryable, details and cause from the catalogue', () => {
    const cause = new Error('EIO');
    const e = CoreErrors.STORAGE_IO_ERROR({ operation: 'put', path: '/t/x', reason: 'EIO' }, { cause });
    assert.ok(e instanceof WeirError && e instanceof Error);
    assert.equal(e.code, 'STORAGE_IO_ERROR');
    assert.equal(e.domain, 'external');
    assert.equal(e.retryable, true);
    assert.deepEqual(e.details, { operation: 'put', path: '/t/x', reason: 'EIO' });
    assert.equal(e.cause, cause);
    assert.match(e.message, /put failed on \/t\/x: EIO/);
  });

  it('loses its class when structured-cloned, and toJSON/fromJSON restores code, details, stack and cause', () => {
    const inner = CoreErrors.FILE_NOT_FOUND({ path: '/a' });
    const e = CoreErrors.TASK_FAILED({ task: 'map-3', reason: 'boom' }, { cause: inner });
    const raw = cloneAcrossThreads(e) as Record<string, unknown>;
    assert.equal(raw instanceof WeirError, false, 'structured clone drops the class');
    const back = WeirError.fromJSON(cloneAcrossThreads(e.toJSON()) as ReturnType<WeirError['toJSON']>);
    assert.ok(back instanceof WeirError);
    assert.equal(back.code, 'TASK_FAILED');
    assert.equal(back.retryable, true);
    assert.deepEqual(back.details, e.details);
    assert.equal(back.stack, e.stack);
    assert.ok(back.cause instanceof WeirError);
    assert.equal((back.cause as WeirError).code, 'FILE_NOT_FOUND');
    assert.ok(isSerializedWeirError(e.toJSON()));
    assert.equal(isSerializedWeirError({ message: 'x' }), false);
  });

  it('keeps an unfilled placeholder visible instead of dropping it', () => {
    const e = CoreErrors.FILE_NOT_FOUND({});
    assert.match(e.message, /<path>/);
  });
});

describe('error catalogues', () => {
  it('every registered code is unique across catalogues and UPPER_SNAKE', () => {
    defineErrors('@weir/core-test', { SOME_TEST_ONLY_CODE: { domain: 'user', retryable: false, message: 'x <a>' } });
    const seen = new Map<string, string>();
    for (const { owner, specs } of registeredCatalogues()) {
      for (const code of Object.keys(specs)) {
        assert.match(code, /^[A-Z][A-Z0-9_]+$/, `${owner}: ${code}`);
        assert.equal(seen.has(code), false, `${code} defined by ${seen.get(code)} and ${owner}`);
        seen.set(code, owner);
      }
    }
    assert.ok(seen.has('INVALID_OPTION') && seen.has('SOME_TEST_ONLY_CODE'));
  });

  it('every core message names only parameters the code documents, and INTERNAL_ERROR asks for a report', () => {
    for (const [code, factory] of Object.entries(CoreErrors)) {
      const params = messageParameters(factory.spec.message);
      const filled = factory(Object.fromEntries(params.map((p) => [p, `v_${p}`])));
      assert.doesNotMatch(filled.message, /<[A-Za-z]/, code);
      assert.ok(['user', 'external', 'internal'].includes(filled.domain), code);
    }
    assert.match(CoreErrors.INTERNAL_ERROR({ reason: 'x', package: '@weir/core' }).message, /bug in @weir\/core, please report/);
  });
});
