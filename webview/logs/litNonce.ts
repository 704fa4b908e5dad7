// Imported first: Lit falls back to <style> elements where adoptedStyleSheets is missing, and those
// need this page's nonce to pass the CSP.
(globalThis as { litNonce?: string }).litNonce = (document.currentScript as HTMLScriptElement | null)?.nonce ?? undefined;
export {};
