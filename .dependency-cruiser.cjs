/**
 * Import rules of the layers (README "Layout"), checked by `npm run typecheck` (so by `npm test`
 * and CI): `depcruise src webview --config .dependency-cruiser.cjs`.
 *
 * Type-only imports count (tsPreCompilationDeps): a type import still ties a layer to another's
 * vocabulary, and the next edit turns it into a value import. Paths are relative to the folder
 * depcruise runs in, so test/unit/layers.test.ts runs this same file on a planted copy.
 */

const VSCODE = ['^vscode$', 'node_modules/@types/vscode/'];
// Packages pure code may use: they run anywhere (Node and the browser) and touch no I/O.
const SERVING_PACKAGES = ['(^|/)node_modules/protobufjs/'];
// The webviews' UI toolkit (custom elements).
const WEBVIEW_PACKAGES = ['(^|/)node_modules/@vscode-elements/elements/'];
const layer = (name, comment, from, to) => ({ name, comment, severity: 'error', from, to });

module.exports = {
  forbidden: [
    layer('serving-imports-serving', 'src/serving is pure logic: it imports only src/serving (no vscode, no other layer, no package but protobufjs).',
      { path: '^src/serving/' }, { pathNot: ['^src/serving/', ...SERVING_PACKAGES], dependencyTypesNot: ['core'] }),
    layer('serving-no-node', 'Node built-ins only in src/serving/node/: the rest of src/serving is bundled into the webviews too.',
      { path: '^src/serving/', pathNot: '^src/serving/node/' }, { dependencyTypes: ['core'] }),
    layer('serving-pure-not-node', 'Pure serving code does not reach the Node-only readers and clients of src/serving/node/.',
      { path: '^src/serving/', pathNot: '^src/serving/node/' }, { path: '^src/serving/node/' }),
    layer('protocol-imports-protocol-serving', 'src/protocol (panel messages) imports only src/protocol, pure src/serving and the pure error types of src/common/errors.ts.',
      { path: '^src/protocol/' }, { pathNot: ['^src/(protocol|serving)/', '^src/common/errors[.]ts$'] }),
    layer('protocol-not-node', 'src/protocol is compiled into the webviews: no src/serving/node/.',
      { path: '^src/protocol/' }, { path: '^src/serving/node/' }),
    layer('webview-imports-webview-protocol-serving', 'Browser code imports only webview/, src/protocol, pure src/serving and its UI toolkit.',
      { path: '^webview/' }, { pathNot: ['^webview/', '^src/(protocol|serving)/', ...WEBVIEW_PACKAGES] }),
    layer('webview-not-node', 'Browser code never reaches src/serving/node/ (Node built-ins).',
      { path: '^webview/' }, { path: '^src/serving/node/' }),
    layer('gcp-imports-gcp-serving', 'src/gcp (the only door to Google) imports src/gcp, src/serving, the pure error types of src/common/errors.ts and packages; never the rest of common, features, operations, cli or protocol.',
      { path: '^src/gcp/' }, { path: '^src/', pathNot: ['^src/(gcp|serving)/', '^src/common/errors[.]ts$'] }),
    layer('gcp-no-vscode', 'src/gcp runs in the CLI too: no vscode.',
      { path: '^src/gcp/' }, { path: VSCODE }),
    layer('common-not-gcp-features', 'src/common (logger, errors, settings, command wrapper) does not import src/gcp, src/operations or src/features.',
      { path: '^src/common/' }, { path: '^src/(gcp|operations|features)/' }),
    layer('operations-no-vscode', 'src/operations (deploy, traffic, compare: the one implementation the extension and the CLI share) runs without VS Code: no vscode, no features, no cli.',
      { path: '^src/operations/' }, { path: [...VSCODE, '^src/(features|cli|activation)/'] }),
    layer('features-not-each-other', 'src/features/<a> never imports src/features/<b>; shared code goes to src/features/shared.',
      { path: '^src/features/([^/]+)/' },
      { path: '^src/features/', pathNot: ['^src/features/$1/', '^src/features/shared/'] }),
    layer('features-not-cli', 'src/features never imports src/cli: what both need goes to src/serving (pure) or src/operations.',
      { path: '^src/features/' }, { path: '^src/cli/' }),
    layer('cli-no-vscode-features', 'The CLI runs without VS Code: no vscode, no src/features.',
      { path: '^src/cli/' }, { path: [...VSCODE, '^src/features/'] }),
    layer('cli-never-reaches-vscode', 'Nor through another module (a src/common file that imports vscode, say).',
      { path: '^src/cli/' }, { path: VSCODE, reachable: true }),
    layer('no-circular', 'No import cycles anywhere.', {}, { circular: true }),
  ],
  options: {
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    moduleSystems: ['es6', 'cjs'],
  },
};
