// The portal is built into dist/, which every org's API serves. The model and the receipt
// verifier are compiled from their TypeScript sources (neither has Node dependencies), so only
// what the pages use is bundled; the verifier is loaded only by the page that verifies.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  resolve: {
    alias: {
      '@donation-ledger/model': fileURLToPath(new URL('../model/src/index.ts', import.meta.url)),
      '@donation-ledger/receipt': fileURLToPath(new URL('../receipt/src/index.ts', import.meta.url)),
    },
  },
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, target: 'es2022', reportCompressedSize: true },
});
