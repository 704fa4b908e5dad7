/**
 * "ML Serving: Compare Load Test Reports": pick two saved load-test reports (.vscode/ml-serving/reports)
 * and read them side by side in a markdown document. From another command or a test:
 * `{a: path, b: path}` (paths inside the reports folder).
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { CancelledError, UserError, ValidationError } from '../../../common/errors';
import { compareLoadTestReports, parseLoadTestReport } from '../../../serving/reports/compareReports';
import type { SavedReport } from '../../../serving/reports/savedReport';
import { REPORTS_DIR } from '../../shared/saveReport';

export function compareReports() {
  return async (arg?: unknown): Promise<{ a: SavedReport; b: SavedReport; markdown: string }> => {
    const folder = vscode.workspace.workspaceFolders?.find(f => f.uri.scheme === 'file');
    if (!folder) throw new UserError('Open a folder to compare reports in.', 'Reports are saved under .vscode/ml-serving/reports/ of the workspace.');
    const dir = path.join(folder.uri.fsPath, REPORTS_DIR);
    // A path from an argument must stay in the reports folder (arguments are untrusted like settings).
    const inDir = (p: unknown, field: string): string => {
      if (typeof p !== 'string' || !p) throw new ValidationError(field, 'expected the path of a report .json in .vscode/ml-serving/reports');
      const abs = path.resolve(dir, p);
      if (path.dirname(abs) !== dir || !abs.endsWith('.json')) throw new ValidationError(field, `${p} is not a .json file in ${REPORTS_DIR}`);
      return abs;
    };
    let files: [string, string];
    if (arg !== undefined) {
      const o = arg as { a?: unknown; b?: unknown };
      files = [inDir(o?.a, 'a'), inDir(o?.b, 'b')];
    } else {
      let names: string[] = [];
      try {
        names = readdirSync(dir).filter(f => f.endsWith('.json')).sort().reverse();
      } catch { /* no folder yet */ }
      const loadTests = names.flatMap(f => {
        try {
          const r = parseLoadTestReport(readFileSync(path.join(dir, f), 'utf8'), f);
          return [{ label: f.replace(/\.json$/, ''), description: `${r.data.rate ?? '?'} req/s · goodput ${typeof r.data.goodput === 'number' ? `${(r.data.goodput * 100).toFixed(1)}%` : '—'}`, file: path.join(dir, f) }];
        } catch {
          return [];
        }
      });
      if (loadTests.length < 2) throw new UserError(`Compare needs two saved load-test reports; ${REPORTS_DIR} has ${loadTests.length}.`, 'Run a load test (the Open-loop Load Test command or Test Prediction\'s open loop) and choose Save Report.');
      const picked = await vscode.window.showQuickPick(loadTests, { title: 'Compare Load Test Reports: pick two', canPickMany: true });
      if (!picked) throw new CancelledError();
      if (picked.length !== 2) throw new ValidationError('reports', `pick exactly two reports (you picked ${picked.length})`);
      files = [picked[0].file, picked[1].file];
    }
    const read = (f: string) => {
      let text: string;
      try {
        text = readFileSync(f, 'utf8');
      } catch (e) {
        throw new UserError(`Could not read ${path.basename(f)}: ${(e as Error).message}`);
      }
      return parseLoadTestReport(text, path.basename(f));
    };
    const [a, b] = files.map(read);
    const { markdown } = compareLoadTestReports(a, b, [path.basename(files[0], '.json'), path.basename(files[1], '.json')]);
    const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: markdown });
    await vscode.window.showTextDocument(doc, { preview: true });
    return { a, b, markdown };
  };
}
