// Boot: texts, configuration, the page shell, then hash routing.

import { h, replace } from "./h.js";
import { getLanguage, initI18n, LANGUAGES, setLanguage, t } from "./i18n.js";
import { loadConfig } from "./config.js";
import { clearSession, currentUser, onSessionChange, signOut } from "./auth.js";
import { setSessionExpiredHandler } from "./api.js";
import { cartCount, clearCart, onCartChange } from "./cart.js";
import { disconnect } from "./realtime.js";
import { matchRoute, navigate, parseHash } from "./router.js";
import { alertBox, loading, pageTitle } from "./ui.js";
import { routes } from "./routes.js";

const shell = {};
let current = null; // { abort: AbortController, cleanups: [] }
let renderCount = 0;
let firstRender = true;

function announce(text) {
  // Re-setting the text makes screen readers read it again, even when it repeats.
  shell.announcer.textContent = "";
  setTimeout(() => {
    shell.announcer.textContent = text;
  }, 50);
}

function forgetPersonalData() {
  clearCart();
  localStorage.removeItem("shop.address");
  sessionStorage.removeItem("shop.checkout");
}

function navLink(href, text, extra = {}) {
  return h("a", { href, class: "nav-link", ...extra }, text);
}

function renderHeader() {
  const user = currentUser();
  const languageId = "language-select";
  const language = h(
    "select",
    {
      id: languageId,
      onchange: async (event) => {
        await setLanguage(event.target.value);
        renderHeader();
        renderFooter();
        await route();
        document.getElementById(languageId)?.focus();
      },
    },
    LANGUAGES.map((code) => h("option", { value: code, selected: code === getLanguage(), lang: code }, t(`language.${code}`))),
  );
  const links = [];
  if (user) {
    links.push(navLink("#/products", t("nav.products")));
    links.push(navLink("#/cart", [t("nav.cart"), " ", h("span", { class: "count", id: "cart-count" }, t("nav.cartCount", { count: cartCount() }))]));
    links.push(navLink("#/orders", t("nav.orders")));
    if (user.isAdmin) {
      links.push(navLink("#/admin/products", t("nav.adminProducts")));
      links.push(navLink("#/admin/orders", t("nav.adminOrders")));
      links.push(navLink("#/admin/invoices", t("nav.adminInvoices")));
      links.push(navLink("#/admin/imports", t("nav.adminImports")));
    }
  } else {
    links.push(navLink("#/signin", t("nav.signIn")));
    links.push(navLink("#/signup", t("nav.signUp")));
  }
  const account = user
    ? h(
        "div",
        { class: "account" },
        h("span", { class: "who" }, t("nav.signedInAs", { name: user.name })),
        h(
          "button",
          {
            type: "button",
            class: "link-button",
            onclick: async () => {
              disconnect();
              await signOut();
              forgetPersonalData(); // a shared computer keeps no cart or address
              navigate("#/signin?signedOut=1");
            },
          },
          t("nav.signOut"),
        ),
      )
    : null;
  replace(
    shell.header,
    h(
      "button",
      {
        type: "button",
        class: "skip-link",
        onclick: () => shell.main.querySelector("h1")?.focus() || shell.main.focus(),
      },
      t("nav.skip"),
    ),
    h(
      "div",
      { class: "bar" },
      h("a", { href: user ? "#/products" : "#/signin", class: "brand" }, t("app.name")),
      h("nav", { "aria-label": t("nav.label") }, h("ul", {}, links.map((a) => h("li", {}, a)))),
      h(
        "div",
        { class: "tools" },
        h("label", { for: languageId, class: "visually-hidden" }, t("language.label")),
        language,
        account,
      ),
    ),
  );
  markCurrentLink();
}

function markCurrentLink() {
  const { path } = parseHash();
  for (const a of shell.header.querySelectorAll("nav a")) {
    const target = a.getAttribute("href").slice(1);
    if (path === target || (target !== "/" && path.startsWith(`${target}/`))) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
}

function renderFooter() {
  replace(shell.footer, h("p", {}, t("app.footer")));
}

function forbidden() {
  return [pageTitle(t("forbidden.title")), h("p", {}, t("forbidden.text")), h("p", {}, h("a", { href: "#/products" }, t("common.backToShop")))];
}

function notFound() {
  return [pageTitle(t("notFound.title")), h("p", {}, t("notFound.text")), h("p", {}, h("a", { href: "#/products" }, t("common.backToShop")))];
}

async function route() {
  const location = parseHash();
  if (location.path === "/") {
    navigate(currentUser() ? "#/products" : "#/signin");
    return;
  }
  current?.abort.abort();
  current?.cleanups.forEach((cleanup) => cleanup());
  const context = { abort: new AbortController(), cleanups: [] };
  current = context;
  const renderId = ++renderCount;
  markCurrentLink();

  const match = matchRoute(routes, location.path);
  const user = currentUser();
  if (match?.route.auth && !user) {
    navigate(`#/signin?next=${encodeURIComponent(location.full)}`);
    return;
  }
  shell.main.setAttribute("aria-busy", "true");
  replace(shell.main, loading());
  let content;
  try {
    if (!match) content = notFound();
    else if (match.route.admin && !user.isAdmin) content = forbidden();
    else {
      content = await match.route.view({
        params: match.params,
        query: location.query,
        signal: context.abort.signal,
        onCleanup: (fn) => context.cleanups.push(fn),
        user,
        announce,
        isCurrent: () => current === context,
      });
    }
  } catch (error) {
    if (error.name === "AbortError") return;
    content = [pageTitle(t("error.title")), alertBox(error)];
  }
  if (renderId !== renderCount) return; // a newer route won
  shell.main.removeAttribute("aria-busy");
  replace(shell.main, content);
  const heading = shell.main.querySelector("h1");
  document.title = heading ? `${heading.textContent} · ${t("app.name")}` : t("app.name");
  if (!firstRender) (shell.main.querySelector("[autofocus]") || heading || shell.main).focus();
  firstRender = false;
}

function sessionExpired() {
  const { full, path } = parseHash();
  clearSession();
  disconnect();
  if (path !== "/signin") navigate(`#/signin?expired=1&next=${encodeURIComponent(full)}`);
}

async function boot() {
  const root = document.getElementById("app");
  shell.header = h("header", { class: "site-header" });
  shell.main = h("main", { id: "main", tabindex: "-1" });
  shell.footer = h("footer", { class: "site-footer" });
  shell.announcer = h("div", { class: "visually-hidden", "aria-live": "polite", role: "status", id: "announcer" });
  replace(root, shell.header, shell.main, shell.footer, shell.announcer);
  try {
    await initI18n();
  } catch {
    replace(shell.main, h("h1", {}, "Shop"), h("p", { role: "alert" }, "The console could not load its texts. Reload the page. / Não foi possível carregar os textos. Recarregue a página."));
    return;
  }
  replace(shell.main, loading());
  try {
    await loadConfig();
  } catch {
    renderFooter();
    replace(shell.main, pageTitle(t("boot.title")), alertBox(t("boot.config")));
    return;
  }
  setSessionExpiredHandler(sessionExpired);
  let shownUser = currentUser()?.sub;
  onSessionChange((user) => {
    // A refreshed token changes nothing on screen; a new or departed person does.
    if (user?.sub === shownUser) return;
    shownUser = user?.sub;
    renderHeader();
  });
  onCartChange(() => {
    const count = document.getElementById("cart-count");
    if (count) count.textContent = t("nav.cartCount", { count: cartCount() });
  });
  renderHeader();
  renderFooter();
  window.addEventListener("hashchange", route);
  await route();
}

boot();
