/**
 * Answers that skip a confirmation (`{yes: true}` for a deploy, `{confirmed: true}` for traffic
 * moves and undeploy) are honoured only under the extension's own test runner: VS Code sets
 * ExtensionMode.Test only when it was started with an `extensionTestsPath`. Anywhere else (a
 * `command:` link, another extension, a keybinding or task with arguments) the user is asked.
 */
import * as vscode from 'vscode';

let testRunner = false;
let actAsUser = false;

/** Called once at activation. */
export function initUnattended(mode: vscode.ExtensionMode): void {
  testRunner = mode === vscode.ExtensionMode.Test;
}

export function unattendedAllowed(): boolean {
  return testRunner && !actAsUser;
}

/** For the in-host tests: behave as outside the test runner. It can only take the bypass away. */
export function actAsOutsideTests(on: boolean): void {
  actAsUser = on;
}
