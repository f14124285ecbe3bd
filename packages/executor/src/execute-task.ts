import type { Engine, Task, TaskContext, TaskHandler } from '@weir/core';
import { NodeErrors } from '@weir/node';

/** The engine a handler sees: everything but `tasks` (tasks do not start tasks). */
export type TaskEngine = Omit<Engine, 'tasks'>;

const handlers = new Map<string, Promise<Record<string, unknown> | undefined>>();

/**
 * Runs one task on the current thread: `(await import(task.module)).taskHandlers[task.handler](input, ctx)`.
 * The worker and the in-thread mode share this one path, so both behave the same. Modules are
 * imported once per thread (the promise is cached, so concurrent first uses share it).
 */
export async function executeTask(task: Task, engine: TaskEngine, signal?: AbortSignal): Promise<unknown> {
  let mod = handlers.get(task.module);
  if (mod === undefined) {
    mod = import(task.module).then((m: { taskHandlers?: Record<string, unknown> }) => m.taskHandlers);
    handlers.set(task.module, mod);
    mod.catch(() => handlers.delete(task.module));
  }
  const handler = (await mod)?.[task.handler];
  if (typeof handler !== 'function') {
    throw NodeErrors.TASK_HANDLER_NOT_FOUND({ module: task.module, handler: task.handler, exportName: 'taskHandlers' });
  }
  const ctx: TaskContext = signal === undefined ? { engine } : { engine, signal };
  return (handler as TaskHandler)(task.input, ctx);
}

/** `module#handler`, how errors name a task. */
export function describeTask(task: Task): string {
  return `${task.module}#${task.handler}`;
}
