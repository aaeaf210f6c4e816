// Storefront: the catalogue (paging, search by name), a product, the cart and checkout.

import { h, replace } from "../h.js";
import { formatMoney, t } from "../i18n.js";
import { api, placeOrder } from "../api.js";
import { addToCart, cartItems, cartTotals, clearCart, setQuantity } from "../cart.js";
import { ready } from "../realtime.js";
import { navigate } from "../router.js";
import { alertBox, createForm, emptyState, pageTitle } from "../ui.js";

const PAGE_SIZE = 12;
// Longest search the products API accepts (GET /products?q=, 400 beyond).
const SEARCH_MAX_LENGTH = 100;

function stockText(product) {
  return product.stock > 0 ? t("product.inStock", { count: product.stock }) : t("product.outOfStock");
}

function productCard(product, announce) {
  const headingId = `p-${product.id}`;
  return h(
    "li",
    { class: "card product-card" },
    h("h2", { id: headingId }, h("a", { href: `#/products/${product.id}` }, product.name)),
    h("p", { class: "price" }, formatMoney(product.price)),
    h("p", { class: ["stock", product.stock > 0 ? "" : "out"] }, stockText(product)),
    h(
      "button",
      {
        type: "button",
        class: "primary",
        disabled: product.stock <= 0,
        "aria-describedby": headingId,
        onclick: () => {
          addToCart(product);
          announce(t("cart.added", { name: product.name }));
        },
      },
      t("product.addToCart"),
    ),
  );
}

export async function productsView({ query, signal, announce }) {
  const term = (query.q || "").trim();
  const tokens = query.page ? query.page.split(",").filter(Boolean) : []; // tokens of earlier pages
  const currentToken = tokens.at(-1) || null;

  const searchId = "product-search";
  const search = h(
    "form",
    {
      role: "search",
      class: "search",
      onsubmit: (event) => {
        event.preventDefault();
        const value = event.target.elements.q.value.trim();
        navigate(value ? `#/products?q=${encodeURIComponent(value)}` : "#/products");
      },
    },
    h("label", { for: searchId }, t("products.searchLabel")),
    h("div", { class: "inline" }, h("input", { id: searchId, name: "q", type: "search", value: term, maxlength: SEARCH_MAX_LENGTH }), h("button", { type: "submit", class: "secondary" }, t("products.search"))),
  );

  // The server filters by name (case- and accent-insensitive) and pages the matches.
  const page = await api("GET", "/products", { query: { limit: PAGE_SIZE, nextToken: currentToken, q: term || undefined }, signal });
  const items = page.items;
  const nextToken = page.nextToken;
  const base = term ? `#/products?q=${encodeURIComponent(term)}` : "#/products";
  const withPage = (list) => (list.length ? `${base}${term ? "&" : "?"}page=${list.map(encodeURIComponent).join(",")}` : base);

  const pager = h(
    "nav",
    { class: "pager", "aria-label": t("products.pages") },
    tokens.length ? h("a", { href: withPage(tokens.slice(0, -1)), class: "button secondary" }, t("products.previous")) : null,
    h("span", { class: "page-number" }, t("products.pageNumber", { page: tokens.length + 1 })),
    nextToken ? h("a", { href: withPage([...tokens, nextToken]), class: "button secondary" }, t("products.next")) : null,
  );

  return [
    pageTitle(term ? t("products.searchTitle", { term }) : t("products.title")),
    search,
    term ? h("p", { class: "result-count", role: "status" }, t("products.found", { count: items.length })) : null,
    items.length ? h("ul", { class: "grid products" }, items.map((product) => productCard(product, announce))) : emptyState(term ? t("products.noMatch") : t("products.empty")),
    pager,
  ];
}

export async function productView({ params, signal, announce }) {
  const product = await api("GET", `/products/${encodeURIComponent(params.id)}`, { signal });
  const quantityId = "quantity";
  const quantity = h("input", { id: quantityId, type: "number", min: 1, max: Math.max(1, Math.min(100, product.stock)), value: 1, inputmode: "numeric" });
  return [
    h("p", { class: "breadcrumb" }, h("a", { href: "#/products" }, t("products.back"))),
    pageTitle(product.name),
    h(
      "div",
      { class: "product-detail card" },
      product.description ? h("p", {}, product.description) : null,
      h("p", { class: "price" }, formatMoney(product.price)),
      h("p", { class: ["stock", product.stock > 0 ? "" : "out"] }, stockText(product)),
      h("p", { class: "sku" }, t("product.sku", { sku: product.sku })),
      h(
        "div",
        { class: "inline" },
        h("label", { for: quantityId }, t("product.quantity")),
        quantity,
        h(
          "button",
          {
            type: "button",
            class: "primary",
            disabled: product.stock <= 0,
            onclick: () => {
              const count = Math.max(1, Math.min(100, Number.parseInt(quantity.value, 10) || 1));
              addToCart(product, count);
              announce(t("cart.added", { name: product.name }));
            },
          },
          t("product.addToCart"),
        ),
      ),
    ),
  ];
}

const ADDRESS_KEY = "shop.address";
const CHECKOUT_KEY = "shop.checkout";

/** The Idempotency-Key of this checkout attempt: the same body keeps its key (a double
 * click or a retry after a lost answer makes one order), a changed body gets a new one. */
function checkoutKey(body) {
  const serialized = JSON.stringify(body);
  try {
    const saved = JSON.parse(sessionStorage.getItem(CHECKOUT_KEY));
    if (saved?.body === serialized) return saved.key;
  } catch {
    /* a new attempt */
  }
  const key = crypto.randomUUID();
  sessionStorage.setItem(CHECKOUT_KEY, JSON.stringify({ body: serialized, key }));
  return key;
}

function cartTable(items, rerender) {
  return h(
    "table",
    { class: "table cart" },
    h("caption", { class: "visually-hidden" }, t("cart.caption")),
    h("thead", {}, h("tr", {}, [t("cart.product"), t("cart.unitPrice"), t("cart.quantity"), t("cart.lineTotal"), h("span", { class: "visually-hidden" }, t("cart.actions"))].map((label) => h("th", { scope: "col" }, label)))),
    h(
      "tbody",
      {},
      items.map((item) => {
        const inputId = `qty-${item.productId}`;
        return h(
          "tr",
          {},
          h("th", { scope: "row" }, h("a", { href: `#/products/${item.productId}` }, item.name)),
          h("td", { "data-label": t("cart.unitPrice") }, formatMoney(item.price)),
          h(
            "td",
            { "data-label": t("cart.quantity") },
            h("label", { for: inputId, class: "visually-hidden" }, t("cart.quantityOf", { name: item.name })),
            h("input", {
              id: inputId,
              type: "number",
              class: "quantity",
              min: 1,
              max: 100,
              value: item.quantity,
              inputmode: "numeric",
              onchange: (event) => {
                setQuantity(item.productId, Math.max(1, Number.parseInt(event.target.value, 10) || 1));
                rerender();
              },
            }),
          ),
          h("td", { "data-label": t("cart.lineTotal") }, formatMoney({ amount: item.price.amount * item.quantity, currency: item.price.currency })),
          h(
            "td",
            {},
            h(
              "button",
              {
                type: "button",
                class: "link-button",
                onclick: () => {
                  setQuantity(item.productId, 0);
                  rerender(true);
                },
              },
              t("cart.remove"),
              h("span", { class: "visually-hidden" }, ` ${item.name}`),
            ),
          ),
        );
      }),
    ),
  );
}

export async function cartView({ user, announce }) {
  const container = h("div", {});
  const summary = h("div", { class: "cart-summary" });
  const savedAddress = (() => {
    try {
      return JSON.parse(localStorage.getItem(ADDRESS_KEY)) || {};
    } catch {
      return {};
    }
  })();

  const form = createForm({
    submitLabel: t("cart.placeOrder"),
    busyLabel: t("cart.placing"),
    className: "checkout",
    onsubmit: async (values, helpers) => {
      const items = cartItems();
      if (!items.length) return;
      const shippingAddress = {
        name: values["shippingAddress.name"].trim(),
        line1: values["shippingAddress.line1"].trim(),
        postalCode: values["shippingAddress.postalCode"].trim(),
        city: values["shippingAddress.city"].trim(),
        country: values["shippingAddress.country"].trim().toUpperCase(),
      };
      const line2 = values["shippingAddress.line2"].trim();
      if (line2) shippingAddress.line2 = line2;
      const missing = Object.entries(shippingAddress).filter(([, value]) => !value);
      if (missing.length) {
        missing.forEach(([name]) => helpers.setFieldError(`shippingAddress.${name}`, t("field.required")));
        helpers.message.show(t("form.fixFields"));
        form.body.querySelector("[aria-invalid]")?.focus();
        return;
      }
      const body = { lines: items.map((item) => ({ productId: item.productId, quantity: item.quantity })), shippingAddress };
      const key = checkoutKey(body);
      localStorage.setItem(ADDRESS_KEY, JSON.stringify(shippingAddress));
      await ready(3000); // listen before placing, so that no status change is missed
      let order;
      try {
        order = await placeOrder(body, key);
      } catch (error) {
        // "body.lines[1].productId": name the product instead of the index
        for (const problem of error.fields || []) {
          const match = /^body\.lines\[(\d+)\]/.exec(problem.field);
          if (match && items[Number(match[1])]) problem.field = items[Number(match[1])].name;
        }
        throw error;
      }
      sessionStorage.removeItem(CHECKOUT_KEY);
      clearCart();
      announce(t("cart.placed"));
      navigate(`#/orders/${order.id}`);
    },
  });
  form.field("shippingAddress.name", t("address.name"), { required: true, autocomplete: "shipping name", value: savedAddress.name || user.name || "" });
  form.field("shippingAddress.line1", t("address.line1"), { required: true, autocomplete: "shipping address-line1", value: savedAddress.line1 });
  form.field("shippingAddress.line2", t("address.line2"), { autocomplete: "shipping address-line2", value: savedAddress.line2 });
  form.field("shippingAddress.postalCode", t("address.postalCode"), { required: true, autocomplete: "shipping postal-code", value: savedAddress.postalCode });
  form.field("shippingAddress.city", t("address.city"), { required: true, autocomplete: "shipping address-level2", value: savedAddress.city });
  form.field("shippingAddress.country", t("address.country"), { required: true, autocomplete: "shipping country", value: savedAddress.country || "", hint: t("address.countryHint") });

  function render(focusHeading = false) {
    const items = cartItems();
    if (!items.length) {
      replace(container, emptyState(t("cart.empty")), h("p", {}, h("a", { href: "#/products" }, t("common.backToShop"))));
    } else {
      replace(summary, h("p", { class: "total" }, t("cart.total"), " ", cartTotals().map(formatMoney).join(" + ")));
      replace(
        container,
        cartTable(items, render),
        summary,
        cartTotals().length > 1 ? alertBox(t("cart.mixedCurrencies"), { kind: "info" }) : null,
        h("h2", {}, t("cart.shipping")),
        form.element,
      );
    }
    if (focusHeading) document.querySelector("main h1")?.focus();
  }
  render();
  return [pageTitle(t("cart.title")), container];
}

