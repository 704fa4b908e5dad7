import { UserError } from '../../common/errors';
import { idOf } from '../../serving/resourceNames';

/** One deploy per service at a time: a second one is refused, never queued behind the first. */
export class DeployLock {
  private readonly busy = new Set<string>();

  async run<T>(service: string, work: () => Promise<T>): Promise<T> {
    if (this.busy.has(service)) {
      throw new UserError(`A deploy of ${idOf(service)} is already running.`, 'Wait for it to finish; the Serving view shows its progress.');
    }
    this.busy.add(service);
    try {
      return await work();
    } finally {
      this.busy.delete(service);
    }
  }

  isBusy(service: string): boolean {
    return this.busy.has(service);
  }
}
