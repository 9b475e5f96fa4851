import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * The operator console. `npm run build:web` writes web/dist, which `vigie start`
 * serves at `/` with the API at `/api` on the same origin. `npm run dev:web`
 * serves the console with hot reload and proxies `/api` (HTTP and the live
 * WebSocket) to a running server (VIGIE_API, default http://127.0.0.1:8080).
 */
const root = new URL('.', import.meta.url).pathname;
const api = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env.VIGIE_API ?? 'http://127.0.0.1:8080';

export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 1200,
  },
  server: {
    port: 5173,
    proxy: {
      '/api': { target: api, changeOrigin: false, ws: true },
    },
  },
});
