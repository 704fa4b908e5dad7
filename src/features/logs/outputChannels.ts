/**
 * An output channel per service ("ML Serving Logs: <service>", language "log" for highlighting)
 * that follows the service's tail until stopped, whether or not a panel is open.
 */
import * as vscode from 'vscode';
import type { LogItem, TailState } from '../../protocol/logs';
import { BoundedText } from '../../serving/logs/boundedText';
import { formatLine, formatTime } from '../../serving/logs/format';
import type { LogTarget } from './pickTarget';
import type { TailRegistry, TailSubscription } from './tailRegistry';

export function channelName(serviceId: string): string {
  return `ML Serving Logs: ${serviceId}`;
}

/** Channel text of one item; markers stand out from entries. */
export function channelText(item: LogItem): string {
  if (item.kind === 'entry') return formatLine(item);
  const head = `${formatTime(item.timestamp)} ${item.level === 'failure' || item.level === 'error' ? 'ERROR  ' : 'WARNING'} ---- ${item.text}`;
  return item.detail ? `${head}\n    ${item.detail}` : head;
}

// A reconnect shows as the session's one marker once it is back (in time order), not as a state line.
const STATE_TEXT: Partial<Record<TailState, string>> = {
  failed: 'stream stopped',
};

interface Follow {
  target: LogTarget;
  channel: vscode.OutputChannel;
  text: BoundedText;
  sub?: TailSubscription;
}

export class ServiceLogChannels implements vscode.Disposable {
  private readonly follows = new Map<string, Follow>();
  private readonly appended = new vscode.EventEmitter<{ service: string; text: string }>();
  /** Fires with each block of text written to a channel (tests read the channel through it). */
  readonly onDidAppend = this.appended.event;

  constructor(private readonly tails: TailRegistry) {}

  /** Starts (or re-targets) following a service in its channel and shows the channel. */
  start(target: LogTarget, show = true): vscode.OutputChannel {
    let f = this.follows.get(target.service);
    // Refused before a channel says "following" (the per-project tail limit).
    if (!f?.sub) this.tails.ensureCapacity(target.service);
    if (!f) {
      f = { target, channel: vscode.window.createOutputChannel(channelName(target.serviceId), 'log'), text: new BoundedText() };
      this.follows.set(target.service, f);
    }
    if (f.sub && f.target.revision !== target.revision) {
      f.sub.setRevision(target.revision);
      f.channel.appendLine(`---- now showing ${target.revision ? `revision ${target.revision}` : 'all revisions'}`);
    }
    f.target = target;
    if (!f.sub) {
      const channel = f.channel;
      const bounded = f.text;
      const service = target.service;
      const write = (text: string) => {
        const replacement = bounded.add(text);
        if (replacement !== undefined) channel.replace(replacement);
        else channel.appendLine(text);
        this.appended.fire({ service, text });
      };
      channel.appendLine(`---- following ${target.service}${target.revision ? ` (revision ${target.revision})` : ''}; "ML Serving: Stop Tailing Logs" stops`);
      let lastState: TailState | undefined;
      f.sub = this.tails.subscribe(target.service, e => {
        if (e.type === 'items') {
          write(e.items.map(channelText).join('\n'));
        } else if (e.state !== lastState) {
          lastState = e.state;
          const text = STATE_TEXT[e.state];
          if (text) write(`${formatTime(Date.now())} WARNING ---- ${text}${e.detail ? `: ${e.detail}` : ''}`);
        }
      }, { revision: target.revision });
    }
    if (show) f.channel.show(true);
    return f.channel;
  }

  /** Stops following; the channel keeps its text. Returns false when the service was not followed. */
  stop(service: string): boolean {
    const f = this.follows.get(service);
    if (!f?.sub) return false;
    f.sub.dispose();
    f.sub = undefined;
    f.channel.appendLine(`${formatTime(Date.now())} INFO    ---- stopped following`);
    return true;
  }

  isFollowing(service: string): boolean {
    return Boolean(this.follows.get(service)?.sub);
  }

  /** Services being followed, for the Stop picker. */
  following(): LogTarget[] {
    return [...this.follows.values()].filter(f => f.sub).map(f => f.target);
  }

  channel(service: string): vscode.OutputChannel | undefined {
    return this.follows.get(service)?.channel;
  }

  dispose(): void {
    for (const f of this.follows.values()) {
      f.sub?.dispose();
      f.channel.dispose();
    }
    this.follows.clear();
    this.appended.dispose();
  }
}
