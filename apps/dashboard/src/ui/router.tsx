import { useEffect, useState, type MouseEvent, type ReactNode } from "react";

/**
 * A small client-side router: the dashboard has a handful of flat pages under /ui, so the URL's
 * path picks the page and history.pushState moves between them (the gateway answers every /ui/*
 * path with index.html, so a reload or a shared link lands on the same page).
 */
export const BASE = "/ui";

const listeners = new Set<() => void>();

export function navigate(to: string, replace = false): void {
  const url = to.startsWith(BASE) ? to : `${BASE}${to}`;
  if (replace) history.replaceState(null, "", url);
  else history.pushState(null, "", url);
  for (const listener of listeners) listener();
}

/** The path inside /ui ("/keys"), "/" for the overview. */
export function usePath(): string {
  const [path, setPath] = useState(currentPath);
  useEffect(() => {
    const update = () => setPath(currentPath());
    listeners.add(update);
    window.addEventListener("popstate", update);
    return () => {
      listeners.delete(update);
      window.removeEventListener("popstate", update);
    };
  }, []);
  return path;
}

function currentPath(): string {
  const path = location.pathname.startsWith(BASE) ? location.pathname.slice(BASE.length) : "/";
  return path.replace(/\/+$/, "") || "/";
}

/** Follows the link without a reload; ctrl/cmd-click still opens a new tab. */
export function onLinkClick(event: MouseEvent<HTMLElement>, to: string): void {
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
  event.preventDefault();
  navigate(to);
}

export function Link({ to, children }: { to: string; children: ReactNode }) {
  return (
    <a href={`${BASE}${to}`} onClick={(e) => onLinkClick(e, to)}>
      {children}
    </a>
  );
}
