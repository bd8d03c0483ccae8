/**
 * Entry point: mounts the app and registers the service worker (public/sw.js) that keeps
 * the app shell available offline. The worker is skipped in `vite dev`, where it would
 * cache modules that hot reload replaces.
 */
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import App from "./App";
import { AuthProvider } from "./auth";
import { ToastProvider } from "./components";
import "./styles.css";

const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root element");

createRoot(root).render(
  <StrictMode>
    <ToastProvider>
      <AuthProvider>
        <App />
      </AuthProvider>
    </ToastProvider>
  </StrictMode>,
);

if ("serviceWorker" in navigator && import.meta.env.PROD) {
  window.addEventListener("load", () => {
    navigator.serviceWorker.register("/sw.js").catch(() => {
      // The studio works without it; only the offline shell is lost.
    });
  });
}
