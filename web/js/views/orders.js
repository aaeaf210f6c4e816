// Orders: history, one order watched live over the WebSocket, cancel, and invoices.

import { h, replace } from "../h.js";
import { formatDate, formatMoney, t } from "../i18n.js";
import { api, ApiError } from "../api.js";
import { connectionState, on, onConnectionState } from "../realtime.js";
import { definitionList, emptyState, messageSlot, pageTitle, statusBadge } from "../ui.js";

const STATUSES = ["PENDING", "CONFIRMED", "REJECTED", "CANCELLED"];
const RANK = { PENDING: 0, CONFIRMED: 1, REJECTED: 1, CANCELLED: 2 };
const POLL_MS = 3000;

export function ordersTable(orders, { showCustomer = false } = {}) {
  const headers = [t("orders.order"), t("orders.placedAt"), showCustomer ? t("orders.customer") : null, t("orders.status"), t("orders.total")].filter(Boolean);
  return h(
    "table",
    { class: "table" },
    h("caption", { class: "visually-hidden" }, t("orders.caption")),
    h("thead", {}, h("tr", {}, headers.map((label) => h("th", { scope: "col" }, label)))),
    h(
      "tbody",
      {},
      orders.map((order) =>
        h(
          "tr",
          {},
          h("th", { scope: "row" }, h("a", { href: `#/orders/${order.id}` }, t("orders.shortId", { id: order.id.slice(0, 8) }))),
          h("td", { "data-label": t("orders.placedAt") }, formatDate(order.placedAt)),
          showCustomer ? h("td", { "data-label": t("orders.customer") }, order.customerEmail) : null,
          h("td", { "data-label": t("orders.status") }, statusBadge(order.status)),
          h("td", { "data-label": t("orders.total") }, formatMoney(order.total)),
        ),
      ),
    ),
  );
}

/** A paged list of orders; `status` filters. Used by the customer's and the admin's pages. */
export async function pagedOrders({ query, signal, baseHash, showCustomer }) {
  const tokens = query.page ? query.page.split(",").filter(Boolean) : [];
  const status = STATUSES.includes(query.status) ? query.status : "";
  const page = await api("GET", "/orders", { query: { limit: 20, nextToken: tokens.at(-1), status }, signal });
  const withStatus = (extra) => {
    const params = new URLSearchParams();
    if (status) params.set("status", status);
    if (extra) params.set("page", extra);
    const text = params.toString();
    return text ? `${baseHash}?${text}` : baseHash;
  };
  const pager = h(
    "nav",
    { class: "pager", "aria-label": t("orders.pages") },
    tokens.length ? h("a", { href: withStatus(tokens.slice(0, -1).join(",")), class: "button secondary" }, t("products.previous")) : null,
    h("span", { class: "page-number" }, t("products.pageNumber", { page: tokens.length + 1 })),
    page.nextToken ? h("a", { href: withStatus([...tokens, page.nextToken].join(",")), class: "button secondary" }, t("products.next")) : null,
  );
  return [page.items.length ? ordersTable(page.items, { showCustomer }) : emptyState(t("orders.empty")), pager];
}

export function statusFilter(baseHash, current) {
  const id = "status-filter";
  return h(
    "div",
    { class: "inline filter" },
    h("label", { for: id }, t("orders.filterLabel")),
    h(
      "select",
      {
        id,
        onchange: (event) => {
          location.hash = event.target.value ? `${baseHash}?status=${event.target.value}` : baseHash;
        },
      },
      h("option", { value: "" }, t("orders.allStatuses")),
      STATUSES.map((status) => h("option", { value: status, selected: status === current }, t(`status.${status}`))),
    ),
  );
}

export async function ordersView(context) {
  return [pageTitle(t("orders.title")), ...(await pagedOrders({ ...context, baseHash: "#/orders" }))];
}

function reasonText(reason, order) {
  const line = order.lines.find((candidate) => candidate.productId === reason.productId);
  const name = line ? line.name : reason.productId;
  return reason.code === "INSUFFICIENT_STOCK"
    ? t("order.reason.INSUFFICIENT_STOCK", { name, requested: reason.requested, available: reason.available })
    : t("order.reason.UNKNOWN_PRODUCT", { name });
}

export async function orderView({ params, signal, onCleanup, announce, isCurrent }) {
  let order = await api("GET", `/orders/${encodeURIComponent(params.id)}`, { signal });
  let invoice = null;

  // Space for the status, its explanation and the reasons is reserved up front (CSS
  // min-height): a live update changes text, never the layout around it.
  const statusLine = h("p", { class: "status-line" });
  const statusText = h("p", { class: "status-text" });
  const reasons = h("ul", { class: "reasons" });
  const statusPanel = h(
    "section",
    { class: "card status-panel", "aria-labelledby": "status-heading" },
    h("h2", { id: "status-heading" }, t("order.statusHeading")),
    h("div", { role: "status", "aria-live": "polite", "aria-atomic": "true", id: "order-status" }, statusLine, statusText, reasons),
  );
  const connection = h("p", { class: "connection" });
  const invoiceSlot = h("div", { class: "invoice-slot", id: "invoice-slot" });
  const actions = h("div", { class: "actions" });
  const actionMessage = messageSlot();

  function renderStatus() {
    replace(statusLine, statusBadge(order.status));
    replace(statusText, t(`order.explain.${order.status}`));
    replace(reasons, order.status === "REJECTED" ? (order.rejectionReasons || []).map((reason) => h("li", {}, reasonText(reason, order))) : []);
    renderInvoice();
    // A live update (PENDING -> CONFIRMED) must not take away a cancel question the
    // person is answering: the actions change only when cancelling stops being possible.
    if (cancellable() !== shownCancellable) renderActions();
  }

  let shownCancellable = null;
  const cancellable = () => ["PENDING", "CONFIRMED"].includes(order.status);

  function renderInvoice() {
    if (invoice) {
      replace(invoiceSlot, h("p", {}, t("order.invoiceReady", { number: invoice.number }), " ", h("a", { href: `#/invoices/${invoice.id}`, class: "button secondary" }, t("order.openInvoice"))));
    } else if (order.status === "CONFIRMED") {
      replace(invoiceSlot, h("p", { class: "muted" }, t("order.invoicePending")));
    } else {
      replace(invoiceSlot, h("p", { class: "muted" }, t("order.noInvoice")));
    }
  }

  function renderActions() {
    shownCancellable = cancellable();
    if (!shownCancellable) {
      replace(actions);
      return;
    }
    const start = h("button", { type: "button", class: "danger" }, t("order.cancel"));
    start.addEventListener("click", () => {
      const yes = h("button", { type: "button", class: "danger" }, t("order.cancelConfirm"));
      const no = h("button", { type: "button", class: "secondary" }, t("order.cancelKeep"));
      no.addEventListener("click", () => {
        renderActions();
        actions.querySelector("button")?.focus();
      });
      yes.addEventListener("click", async () => {
        yes.disabled = true;
        no.disabled = true;
        actionMessage.clear();
        try {
          apply(await api("DELETE", `/orders/${order.id}`));
          announce(t("order.cancelled"));
        } catch (error) {
          actionMessage.show(error);
          renderActions();
          if (error instanceof ApiError && error.status === 409) refresh();
        }
      });
      replace(actions, h("p", { id: "cancel-question" }, t("order.cancelQuestion")), yes, no);
      yes.focus();
    });
    replace(actions, start);
  }

  function apply(next) {
    if (RANK[next.status] < RANK[order.status]) return;
    const changed = next.status !== order.status;
    order = next;
    renderStatus();
    if (changed) announce(t("order.nowStatus", { status: t(`status.${order.status}`) }));
  }

  async function loadInvoice() {
    if (invoice || order.status !== "CONFIRMED") return;
    try {
      const found = await api("GET", "/invoices", { query: { orderId: order.id } });
      if (found.items.length && !invoice) {
        invoice = found.items[0];
        renderInvoice();
      }
    } catch {
      /* the invoice.generated push or the next refresh will bring it */
    }
  }

  async function refresh() {
    if (!isCurrent()) return;
    try {
      apply(await api("GET", `/orders/${order.id}`));
      await loadInvoice();
    } catch {
      /* keep what is shown; the next push or poll tries again */
    }
  }

  onCleanup(
    on("order.status", (message) => {
      if (message.orderId !== order.id) return;
      // The push carries the status; the order itself (lines, reasons, dates) is re-read.
      if (RANK[message.status] >= RANK[order.status] && message.status !== order.status) {
        apply({ ...order, status: message.status, rejectionReasons: message.reasons || order.rejectionReasons });
        refresh();
      }
    }),
  );
  onCleanup(
    on("invoice.generated", (message) => {
      if (message.orderId !== order.id) return;
      invoice = { id: message.invoiceId, number: message.number };
      renderInvoice();
      announce(t("order.invoiceReady", { number: message.number }));
    }),
  );
  const showConnection = (state) => {
    replace(connection, t(`realtime.${state}`));
    if (state === "open") refresh(); // anything missed while connecting
  };
  onCleanup(onConnectionState(showConnection));
  // Without a live connection (blocked network, proxy), a pending order is polled.
  const poll = setInterval(() => {
    if (connectionState() !== "open" && order.status === "PENDING") refresh();
  }, POLL_MS);
  onCleanup(() => clearInterval(poll));

  renderStatus();
  replace(connection, t(`realtime.${connectionState()}`));
  loadInvoice();

  const lines = h(
    "table",
    { class: "table" },
    h("caption", { class: "visually-hidden" }, t("order.linesCaption")),
    h("thead", {}, h("tr", {}, [t("cart.product"), t("cart.unitPrice"), t("cart.quantity"), t("cart.lineTotal")].map((label) => h("th", { scope: "col" }, label)))),
    h(
      "tbody",
      {},
      order.lines.map((line) =>
        h("tr", {}, h("th", { scope: "row" }, line.name), h("td", { "data-label": t("cart.unitPrice") }, formatMoney(line.unitPrice)), h("td", { "data-label": t("cart.quantity") }, String(line.quantity)), h("td", { "data-label": t("cart.lineTotal") }, formatMoney(line.lineTotal))),
      ),
    ),
    h("tfoot", {}, h("tr", {}, h("th", { scope: "row", colspan: "3" }, t("cart.total")), h("td", { class: "total-cell" }, formatMoney(order.total)))),
  );
  const address = order.shippingAddress || {};
  return [
    h("p", { class: "breadcrumb" }, h("a", { href: "#/orders" }, t("orders.back"))),
    pageTitle(t("order.title", { id: order.id.slice(0, 8) })),
    h("div", { class: "order-layout" }, statusPanel, h("section", { class: "card", "aria-labelledby": "invoice-heading" }, h("h2", { id: "invoice-heading" }, t("order.invoiceHeading")), invoiceSlot)),
    connection,
    actionMessage.element,
    actions,
    h("h2", {}, t("order.linesHeading")),
    lines,
    h("h2", {}, t("order.detailsHeading")),
    definitionList([
      [t("order.id"), order.id],
      [t("orders.placedAt"), formatDate(order.placedAt)],
      [t("order.shipTo"), [address.name, address.line1, address.line2, `${address.postalCode || ""} ${address.city || ""}`, address.country].filter(Boolean).join(", ")],
      [t("order.email"), order.customerEmail],
    ]),
  ];
}

export async function invoiceView({ params, signal }) {
  let invoice = await api("GET", `/invoices/${encodeURIComponent(params.id)}`, { signal });
  const downloadError = messageSlot();
  const download = h("a", { href: invoice.downloadUrl, class: "button primary", download: `${invoice.number}.pdf`, rel: "noopener" }, t("invoice.download"));
  download.addEventListener("click", async (event) => {
    // The presigned link lives a few minutes: past its expiry, ask for a fresh one first.
    if (Date.parse(invoice.downloadUrlExpiresAt) - Date.now() > 15_000) return;
    event.preventDefault();
    try {
      invoice = await api("GET", `/invoices/${encodeURIComponent(params.id)}`);
      download.href = invoice.downloadUrl;
      download.click();
    } catch (error) {
      downloadError.show(error);
    }
  });
  const lines = h(
    "table",
    { class: "table" },
    h("caption", { class: "visually-hidden" }, t("order.linesCaption")),
    h("thead", {}, h("tr", {}, [t("cart.product"), t("cart.unitPrice"), t("cart.quantity"), t("cart.lineTotal")].map((label) => h("th", { scope: "col" }, label)))),
    h("tbody", {}, invoice.lines.map((line) => h("tr", {}, h("th", { scope: "row" }, line.name), h("td", { "data-label": t("cart.unitPrice") }, formatMoney(line.unitPrice)), h("td", { "data-label": t("cart.quantity") }, String(line.quantity)), h("td", { "data-label": t("cart.lineTotal") }, formatMoney(line.lineTotal))))),
  );
  return [
    h("p", { class: "breadcrumb" }, h("a", { href: `#/orders/${invoice.orderId}` }, t("invoice.backToOrder"))),
    pageTitle(t("invoice.title", { number: invoice.number })),
    definitionList([
      [t("invoice.issuedAt"), formatDate(invoice.issuedAt)],
      [t("invoice.subtotal"), formatMoney(invoice.subtotal)],
      [t("invoice.tax", { rate: (invoice.taxRateBasisPoints / 100).toLocaleString() }), formatMoney(invoice.tax)],
      [t("invoice.total"), h("strong", {}, formatMoney(invoice.total))],
    ]),
    h("p", {}, download),
    downloadError.element,
    h("h2", {}, t("order.linesHeading")),
    lines,
  ];
}

