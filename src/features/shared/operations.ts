/**
 * Operations on a service ("busy" while a deploy, traffic move or delete runs, "done" after):
 * deploy reports them, the Serving and Models trees listen. The one channel between those
 * features, so neither imports the other (they may live in different bundles).
 */
import * as vscode from 'vscode';

/** The key of the Serving view's Batch Jobs node: creating or cancelling a job re-lists it when done. */
export const BATCH_JOBS = 'batchJobs';

export type OperationEvent =
  | { service: string; state: 'busy'; text: string }
  /** Finished (or failed): the service and what serves which model may have changed. */
  | { service: string; state: 'done' };

export class Operations implements vscode.Disposable {
  private readonly busy = new Map<string, string>();
  private readonly emitter = new vscode.EventEmitter<OperationEvent>();
  readonly onDidChange = this.emitter.event;

  /** Services with an operation in progress and its text (a tree that loads late starts from these). */
  inProgress(): ReadonlyMap<string, string> {
    return this.busy;
  }

  /**
   * Resolves once no operation is in progress. Checked a tick after each "done", so an operation
   * that hands over to the next key (done, then start) does not count as idle.
   */
  whenIdle(): Promise<void> {
    return new Promise(resolve => {
      const check = () => {
        if (this.busy.size) return;
        sub.dispose();
        resolve();
      };
      const sub = this.emitter.event(e => { if (e.state === 'done') setTimeout(check, 0); });
      check();
    });
  }

  start(service: string, text: string): void {
    this.busy.set(service, text);
    this.emitter.fire({ service, state: 'busy', text });
  }

  done(service: string): void {
    this.busy.delete(service);
    this.emitter.fire({ service, state: 'done' });
  }

  /** Runs `fn` with the service marked busy; done whatever happens. */
  async run<T>(service: string, text: string, fn: () => PromiseLike<T>): Promise<T> {
    this.start(service, text);
    try {
      return await fn();
    } finally {
      this.done(service);
    }
  }

  dispose(): void {
    this.emitter.dispose();
  }
}
