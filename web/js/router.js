// Hash routes (#/orders/<id>?x=1): no server rewrites needed on any static host.

export function parseHash(hash = location.hash) {
  const raw = hash.replace(/^#/, "") || "/";
  const [pathPart, queryPart = ""] = raw.split("?");
  const path = pathPart.startsWith("/") ? pathPart : `/${pathPart}`;
  return { path, query: Object.fromEntries(new URLSearchParams(queryPart)), full: `#${raw}` };
}

/** routes: [{ pattern: "/orders/:id", ... }] -> { route, params } or null. */
export function matchRoute(routes, path) {
  const parts = path.split("/").filter(Boolean);
  for (const route of routes) {
    const pattern = route.pattern.split("/").filter(Boolean);
    if (pattern.length !== parts.length) continue;
    const params = {};
    const matches = pattern.every((segment, index) => {
      if (segment.startsWith(":")) {
        params[segment.slice(1)] = decodeURIComponent(parts[index]);
        return true;
      }
      return segment === parts[index];
    });
    if (matches) return { route, params };
  }
  return null;
}

export function navigate(hash) {
  if (location.hash === hash) window.dispatchEvent(new HashChangeEvent("hashchange"));
  else location.hash = hash;
}

/** Only same-app targets for ?next= (never an absolute URL). */
export function safeNext(next) {
  return typeof next === "string" && /^#\/[^\s]*$/.test(next) && !next.startsWith("#/signin") ? next : "#/products";
}
