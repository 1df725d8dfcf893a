import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The SPA is served by the gateway under /ui, so every asset URL starts there. Hashed file names
// under assets/ let the gateway cache them for a year; index.html is served with no-cache.
export default defineConfig({
  base: "/ui/",
  plugins: [react()],
  // `pnpm dev:dashboard`: the SPA with hot reload on :5173, the API from a running gateway.
  server: {
    proxy: Object.fromEntries(
      [
        "/v2",
        "/key",
        "/team",
        "/user",
        "/organization",
        "/spend",
        "/global",
        "/model",
        "/v1",
        "/health",
      ].map((path) => [path, process.env.GATEWAY_URL ?? "http://127.0.0.1:4000"]),
    ),
  },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // No source maps or size report: the build runs on `pnpm install` on small machines.
    sourcemap: false,
    reportCompressedSize: false,
    chunkSizeWarningLimit: 2000,
    target: "es2022",
  },
});
