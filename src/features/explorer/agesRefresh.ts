/**
 * Keeps "2m ago" true: relabels a view from its cached items every minute, only while the view is
 * visible. No vscode import (the view is structural), so it is unit-tested with a fake clock.
 */
export const AGE_REFRESH_MS = 60_000;

export interface VisibleView {
  readonly visible: boolean;
  onDidChangeVisibility(listener: () => void): { dispose(): void };
}

export interface Clock {
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

const realClock: Clock = {
  setInterval: (fn, ms) => setInterval(fn, ms),
  clearInterval: h => clearInterval(h as NodeJS.Timeout),
};

export function keepAgesFresh(view: VisibleView, relabel: () => void, clock: Clock = realClock): { dispose(): void } {
  let timer: unknown;
  const update = () => {
    if (view.visible && timer === undefined) {
      timer = clock.setInterval(relabel, AGE_REFRESH_MS);
    }
    if (!view.visible && timer !== undefined) {
      clock.clearInterval(timer);
      timer = undefined;
    }
  };
  update();
  const sub = view.onDidChangeVisibility(update);
  return {
    dispose: () => {
      sub.dispose();
      if (timer !== undefined) clock.clearInterval(timer);
      timer = undefined;
    },
  };
}
