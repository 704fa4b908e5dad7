/**
 * Writes a load-test run or a comparison into the workspace as `<name>.json` (the numbers) and
 * `<name>.md` (what the user read), under .vscode/ml-serving/reports/, never overwriting a file.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { UserError, ValidationError } from '../../common/errors';
import { reportBaseName, reportProblems, savedReport, type SavedReportMeta } from '../../serving/reports/savedReport';

export const REPORTS_DIR = path.join('.vscode', 'ml-serving', 'reports');

export function saveReport(meta: SavedReportMeta, data: Record<string, unknown>, markdown: string): { json: string; md: string } {
  const folder = vscode.workspace.workspaceFolders?.find(f => f.uri.scheme === 'file');
  if (!folder) throw new UserError('Open a folder to save reports in.', 'Reports are saved under .vscode/ml-serving/reports/ of the workspace.');
  const record = savedReport(meta, data);
  const problems = reportProblems(record);
  if (problems.length) throw new ValidationError(problems[0].split(':')[0], problems[0].slice(problems[0].indexOf(':') + 1).trim());
  const dir = path.join(folder.uri.fsPath, REPORTS_DIR);
  mkdirSync(dir, { recursive: true });
  const base = reportBaseName(meta);
  let name = base;
  for (let i = 2; existsSync(path.join(dir, `${name}.json`)) || existsSync(path.join(dir, `${name}.md`)); i++) name = `${base}-${i}`;
  const json = path.join(dir, `${name}.json`), md = path.join(dir, `${name}.md`);
  writeFileSync(json, JSON.stringify(record, null, 2) + '\n', { flag: 'wx' });
  writeFileSync(md, markdown, { flag: 'wx' });
  return { json, md };
}
