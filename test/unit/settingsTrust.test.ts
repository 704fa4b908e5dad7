// Settings a repository cannot steer: user-only in package.json (machine scope, restricted in
// untrusted workspaces), validated by name, and workspace files read to tell the user.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { KEYS, USER_ONLY, parseJsonc, parseSettings } from '../../src/common/settingsSchema';
import { REPO_ROOT } from './helpers/fixtures';

const from = (o: Record<string, unknown>) => (k: string) => o[k];

describe('settings a workspace cannot steer', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
  const props = pkg.contributes.configuration.properties as Record<string, { scope?: string }>;

  it('images, the service account and the emulator URL are machine-scoped and restricted in untrusted workspaces', () => {
    const keys = USER_ONLY.map(k => `mlServing.${KEYS[k]}`);
    assert.deepEqual(keys.sort(), ['mlServing.deploy.serviceAccount', 'mlServing.emulator', 'mlServing.images.native', 'mlServing.images.python']);
    for (const k of keys) assert.equal(props[k]?.scope, 'machine', `${k} scope`);
    const trust = pkg.capabilities?.untrustedWorkspaces;
    assert.equal(trust?.supported, 'limited');
    assert.deepEqual([...trust.restrictedConfigurations].sort(), keys);
  });

  it('validates the service account and the images naming the setting', () => {
    const ok = parseSettings(from({ 'deploy.serviceAccount': 'ml-serving@demo-project.iam.gserviceaccount.com', 'images.native': 'us-docker.pkg.dev/p/ml-serving/tf:2.19' }));
    assert.deepEqual(ok.problems, []);
    assert.equal(ok.settings.deployServiceAccount, 'ml-serving@demo-project.iam.gserviceaccount.com');
    const bad = parseSettings(from({ 'deploy.serviceAccount': 'someone@gmail.com', 'images.native': 'img; rm -rf /' }));
    assert.equal(bad.settings.deployServiceAccount, '');
    assert.equal(bad.settings.nativeImage, '');
    assert.ok(bad.problems.some(p => p.startsWith('mlServing.deploy.serviceAccount: "someone@gmail.com" is not a service account')), bad.problems.join('\n'));
    assert.ok(bad.problems.some(p => p.startsWith('mlServing.images.native:')), bad.problems.join('\n'));
  });

  it('reads settings.json with comments and trailing commas', () => {
    const text = '{\n  // the image\n  "mlServing.images.native": "evil/x:1", /* block */\n  "url": "http://a//b",\n}\n';
    assert.deepEqual(parseJsonc(text), { 'mlServing.images.native': 'evil/x:1', url: 'http://a//b' });
  });
});
