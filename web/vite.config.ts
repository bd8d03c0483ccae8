/**
 * Vite builds the studio straight into the Python package, where `persona serve` finds it
 * (src/persona/service/studio_dist, gitignored). `npm run dev` proxies the API to a
 * `persona serve` on localhost:8000 so pages can be worked on with hot reload.
 */
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

const api = process.env.PERSONA_API ?? "http://127.0.0.1:8000";

export default defineConfig({
  plugins: [react()],
  base: "/",
  build: {
    outDir: "../src/persona/service/studio_dist",
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 600,
  },
  server: {
    proxy: {
      "/api": { target: api, changeOrigin: true },
      "/health": { target: api, changeOrigin: true },
    },
  },
});
