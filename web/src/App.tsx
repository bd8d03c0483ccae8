/**
 * The studio's frame: a header with the navigation and sign-out, then the page for the
 * current hash route. Signed-out visitors see the sign-in page whatever the route.
 *
 * Pages are loaded lazily (one chunk each), so a page's weight is paid only when visited.
 * To add a page: add its file under pages/ and one entry to ROUTES below.
 */
import { lazy, Suspense, useEffect, useState } from "react";
import type { ComponentType, LazyExoticComponent } from "react";
import { useAuth } from "./auth";
import { Button, Link } from "./components";
import { navigate, useRoute } from "./router";
import SignIn from "./pages/SignIn";

interface RouteDef {
  path: string;
  label: string;
  page: LazyExoticComponent<ComponentType>;
  adminOnly?: boolean;
  /** Listed in the header navigation. */
  nav?: boolean;
}

export const ROUTES: readonly RouteDef[] = [
  { path: "/dashboard", label: "Dashboard", page: lazy(() => import("./pages/Dashboard")), nav: true },
  { path: "/avatar", label: "Create avatar", page: lazy(() => import("./pages/AvatarCreator")), nav: true },
  { path: "/script", label: "Script", page: lazy(() => import("./pages/ScriptEditor")), nav: true },
  { path: "/voices", label: "Voices", page: lazy(() => import("./pages/Voices")), nav: true },
  { path: "/studio", label: "Studio", page: lazy(() => import("./pages/Studio")), nav: true },
  { path: "/admin", label: "Admin", page: lazy(() => import("./pages/Admin")), nav: true, adminOnly: true },
];

function NotFound() {
  return (
    <>
      <h1>Page not found</h1>
      <p>
        There is no page here. <Link to="/dashboard">Go to the dashboard</Link>.
      </p>
    </>
  );
}

function Forbidden() {
  return (
    <>
      <h1>Admins only</h1>
      <p>This page needs an administrator account.</p>
    </>
  );
}

function Header() {
  const { user, isAdmin, signOut } = useAuth();
  const { path } = useRoute();
  const [menuOpen, setMenuOpen] = useState(false);

  useEffect(() => setMenuOpen(false), [path]);

  const items = ROUTES.filter((r) => r.nav && (!r.adminOnly || isAdmin));
  return (
    <header className="app-header">
      <a className="skip-link" href="#main" onClick={(e) => {
        e.preventDefault();
        document.getElementById("main")?.focus();
      }}>
        Skip to content
      </a>
      <Link to="/dashboard" className="brand" aria-label="Persona Studio home">
        <img src="/icons/icon-192.png" alt="" width={28} height={28} />
        <span>Persona Studio</span>
      </Link>
      <button
        type="button"
        className="btn btn-ghost menu-toggle"
        aria-expanded={menuOpen}
        aria-controls="main-nav"
        onClick={() => setMenuOpen((open) => !open)}
      >
        <span aria-hidden="true">☰</span> Menu
      </button>
      <nav id="main-nav" aria-label="Main" className={menuOpen ? "nav open" : "nav"}>
        <ul>
          {items.map((r) => (
            <li key={r.path}>
              <Link to={r.path} aria-current={path === r.path ? "page" : undefined}>
                {r.label}
              </Link>
            </li>
          ))}
        </ul>
        <div className="nav-user">
          <span className="user-name" title={user?.email}>
            {user?.display_name || user?.email}
          </span>
          <Button
            size="sm"
            variant="ghost"
            onClick={() => {
              signOut();
              navigate("/", true);
            }}
          >
            Sign out
          </Button>
        </div>
      </nav>
    </header>
  );
}

export default function App() {
  const { user, isAdmin } = useAuth();
  const { path } = useRoute();

  useEffect(() => {
    if (user && (path === "/" || path === "/signin")) navigate("/dashboard", true);
  }, [user, path]);

  if (user === undefined) {
    return (
      <div className="splash" role="status" aria-live="polite">
        Loading…
      </div>
    );
  }
  if (user === null) return <SignIn />;

  const route = ROUTES.find((r) => r.path === path);
  let content;
  if (!route) content = path === "/" || path === "/signin" ? null : <NotFound />;
  else if (route.adminOnly && !isAdmin) content = <Forbidden />;
  else content = <route.page />;

  return (
    <div className="app">
      <Header />
      <main id="main" tabIndex={-1}>
        <Suspense
          fallback={
            <p role="status" aria-live="polite">
              Loading…
            </p>
          }
        >
          {content}
        </Suspense>
      </main>
    </div>
  );
}
