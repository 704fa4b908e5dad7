// Imported first by main.ts: web components that fall back to <style> elements tag them with this
// nonce, so the CSP needs no 'unsafe-inline'. The nonce is the one of this script's own tag.
const script = document.currentScript as HTMLScriptElement | null;
(globalThis as { litNonce?: string }).litNonce = script?.nonce || undefined;
