/**
 * The Test Prediction panel (browser side). It never calls the service and never sees a token: it
 * builds the request from the model's signature, asks the extension host to send it, and shows
 * what came back. state.ts holds the state, requestView/actions/*View render it, messages.ts is the
 * one switch over the host's messages; this file starts the panel.
 */
import '../shared/litNonce';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textarea/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import type { HostMessage } from '../../src/protocol/predict';
import { replace } from '../shared/dom';
import { renderActions, renderResponseSection } from './actions';
import { onHostMessage } from './messages';
import { renderHeader, renderRequest } from './requestView';
import { post, sections } from './state';

const app = document.getElementById('app')!;
replace(app, ...Object.values(sections));
app.removeAttribute('aria-busy');

window.addEventListener('message', (e: MessageEvent) => onHostMessage(e.data as HostMessage));

renderHeader();
renderRequest();
renderActions();
renderResponseSection();
post({ type: 'ready' });
