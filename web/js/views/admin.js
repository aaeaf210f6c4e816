// Back office (admin group): products with stock, all orders, invoices, invoice import.

import { h, replace } from "../h.js";
import { formatMoney, majorUnits, minorUnits, t } from "../i18n.js";
import { api, ApiError } from "../api.js";
import { on, ready, send } from "../realtime.js";
import { alertBox, createForm, emptyState, messageSlot, pageTitle } from "../ui.js";
import { pagedOrders, statusFilter } from "./orders.js";

// ---- products ---------------------------------------------------------------------------

function productForm(product, { onsaved, oncancel }) {
  const editing = Boolean(product);
  const form = createForm({
    submitLabel: editing ? t("admin.product.save") : t("admin.product.create"),
    busyLabel: t("admin.product.saving"),
    className: "product-form",
    onsubmit: async (values, helpers) => {
      const currency = values["price.currency"].trim().toUpperCase();
      let amount = null;
      let ok = true;
      if (!/^[A-Z]{3}$/.test(currency)) {
        helpers.setFieldError("price.currency", t("admin.product.currencyInvalid"));
        ok = false;
      } else {
        try {
          amount = minorUnits(values["price.amount"], currency);
        } catch {
          helpers.setFieldError("price.currency", t("admin.product.currencyInvalid"));
          ok = false;
        }
        if (ok && amount === null) {
          helpers.setFieldError("price.amount", t("admin.product.amountInvalid"));
          ok = false;
        }
      }
      const stock = values.stock.trim() === "" ? 0 : Number(values.stock);
      if (!Number.isInteger(stock) || stock < 0) {
        helpers.setFieldError("stock", t("admin.product.stockInvalid"));
        ok = false;
      }
      if (!ok) {
        helpers.message.show(t("form.fixFields"));
        form.body.querySelector("[aria-invalid]")?.focus();
        return;
      }
      const body = {
        sku: values.sku.trim(),
        name: values.name.trim(),
        description: values.description,
        price: { amount, currency },
        stock,
      };
      let saved;
      try {
        saved = editing
          ? await api("PUT", `/products/${product.id}`, { body: { ...body, version: product.version } })
          : await api("POST", "/products", { body });
      } catch (error) {
        if (error instanceof ApiError && error.status === 409 && /SKU/i.test(error.message)) {
          helpers.setFieldError("sku", t("admin.product.skuTaken"));
          helpers.message.show(t("admin.product.skuTaken"));
          form.fields.get("sku").input.focus();
          return;
        } else if (error instanceof ApiError && error.status === 409 && /version/i.test(error.message)) {
          helpers.message.show(t("admin.product.stale"));
          return;
        }
        throw error;
      }
      onsaved(saved, editing);
    },
  });
  form.field("sku", t("admin.product.sku"), { required: true, value: product?.sku, hint: t("admin.product.skuHint") });
  form.field("name", t("admin.product.name"), { required: true, value: product?.name });
  form.field("description", t("admin.product.description"), { type: "textarea", value: product?.description });
  form.field("price.amount", t("admin.product.price"), { required: true, inputmode: "decimal", value: product ? majorUnits(product.price) : "", hint: t("admin.product.priceHint") });
  form.field("price.currency", t("admin.product.currency"), { required: true, value: product?.price.currency || "EUR", hint: t("admin.product.currencyHint") });
  form.field("stock", t("admin.product.stock"), { type: "number", required: true, min: 0, step: 1, inputmode: "numeric", value: product ? String(product.stock) : "0" });
  const cancel = h("button", { type: "button", class: "secondary", onclick: oncancel }, t("common.cancel"));
  form.button.after(cancel);
  return h(
    "section",
    { class: "card editor", "aria-labelledby": "editor-heading" },
    h("h2", { id: "editor-heading", tabindex: "-1" }, editing ? t("admin.product.editTitle", { name: product.name }) : t("admin.product.newTitle")),
    form.element,
  );
}

export async function adminProductsView({ query, signal, announce }) {
  const tokens = query.page ? query.page.split(",").filter(Boolean) : [];
  const page = await api("GET", "/products", { query: { limit: 20, nextToken: tokens.at(-1) }, signal });
  const editor = h("div", { class: "editor-slot" });
  const notice = messageSlot();

  function openEditor(product) {
    notice.clear();
    replace(
      editor,
      productForm(product, {
        onsaved: (saved, edited) => {
          announce(t(edited ? "admin.product.updated" : "admin.product.created", { name: saved.name }));
          location.hash = "#/admin/products";
          window.dispatchEvent(new HashChangeEvent("hashchange"));
        },
        oncancel: () => {
          replace(editor);
          newButton.focus();
        },
      }),
    );
    editor.querySelector("h2").focus();
  }

  const newButton = h("button", { type: "button", class: "primary", onclick: () => openEditor(null) }, t("admin.product.new"));

  function deleteCell(product) {
    const cell = h("div", { class: "row-actions" });
    const render = () => {
      replace(
        cell,
        h("button", { type: "button", class: "link-button", onclick: () => openEditor(product) }, t("admin.product.edit"), h("span", { class: "visually-hidden" }, ` ${product.name}`)),
        h(
          "button",
          {
            type: "button",
            class: "link-button danger-text",
            onclick: () => {
              const yes = h("button", { type: "button", class: "danger" }, t("admin.product.deleteConfirm", { name: product.name }));
              const no = h("button", { type: "button", class: "secondary", onclick: () => render() }, t("order.cancelKeep"));
              yes.addEventListener("click", async () => {
                yes.disabled = true;
                try {
                  await api("DELETE", `/products/${product.id}`);
                  announce(t("admin.product.deleted", { name: product.name }));
                  cell.closest("tr").remove();
                  notice.show(t("admin.product.deleted", { name: product.name }), { kind: "info" });
                } catch (error) {
                  notice.show(error);
                  render();
                }
              });
              replace(cell, yes, no);
              yes.focus();
            },
          },
          t("admin.product.delete"),
          h("span", { class: "visually-hidden" }, ` ${product.name}`),
        ),
      );
    };
    render();
    return cell;
  }

  const table = page.items.length
    ? h(
        "table",
        { class: "table" },
        h("caption", { class: "visually-hidden" }, t("admin.product.caption")),
        h("thead", {}, h("tr", {}, [t("admin.product.name"), t("admin.product.sku"), t("admin.product.price"), t("admin.product.stock"), h("span", { class: "visually-hidden" }, t("cart.actions"))].map((label) => h("th", { scope: "col" }, label)))),
        h(
          "tbody",
          {},
          page.items.map((product) =>
            h(
              "tr",
              {},
              h("th", { scope: "row" }, h("a", { href: `#/products/${product.id}` }, product.name)),
              h("td", { "data-label": t("admin.product.sku") }, product.sku),
              h("td", { "data-label": t("admin.product.price") }, formatMoney(product.price)),
              h("td", { "data-label": t("admin.product.stock"), class: product.stock === 0 ? "out" : "" }, String(product.stock)),
              h("td", {}, deleteCell(product)),
            ),
          ),
        ),
      )
    : emptyState(t("products.empty"));
  const pager = h(
    "nav",
    { class: "pager", "aria-label": t("products.pages") },
    tokens.length ? h("a", { href: tokens.length > 1 ? `#/admin/products?page=${tokens.slice(0, -1).join(",")}` : "#/admin/products", class: "button secondary" }, t("products.previous")) : null,
    h("span", { class: "page-number" }, t("products.pageNumber", { page: tokens.length + 1 })),
    page.nextToken ? h("a", { href: `#/admin/products?page=${[...tokens, page.nextToken].map(encodeURIComponent).join(",")}`, class: "button secondary" }, t("products.next")) : null,
  );
  return [pageTitle(t("admin.products.title"), newButton), notice.element, editor, table, pager];
}

// ---- orders -----------------------------------------------------------------------------

export async function adminOrdersView(context) {
  const status = context.query.status || "";
  return [
    pageTitle(t("admin.orders.title")),
    statusFilter("#/admin/orders", status),
    ...(await pagedOrders({ ...context, baseHash: "#/admin/orders", showCustomer: true })),
  ];
}

// ---- invoices ---------------------------------------------------------------------------

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function adminInvoicesView({ signal }) {
  const result = h("div", { class: "lookup-result", "aria-live": "polite" });
  const form = createForm({
    submitLabel: t("admin.invoices.find"),
    busyLabel: t("admin.invoices.finding"),
    onsubmit: async (values, helpers) => {
      replace(result);
      const id = values.id.trim();
      if (!UUID.test(id)) {
        helpers.setFieldError("id", t("admin.invoices.idInvalid"));
        return;
      }
      let invoice = null;
      try {
        invoice = await api("GET", `/invoices/${id}`);
      } catch (error) {
        if (!(error instanceof ApiError) || error.status !== 404) throw error;
      }
      if (!invoice) invoice = (await api("GET", "/invoices", { query: { orderId: id } })).items[0] || null;
      replace(result, invoice ? invoiceRow(invoice) : alertBox(t("admin.invoices.none"), { kind: "info" }));
    },
  });
  form.field("id", t("admin.invoices.idLabel"), { required: true, hint: t("admin.invoices.idHint") });

  const recent = await api("GET", "/orders", { query: { limit: 20, status: "CONFIRMED" }, signal });
  const list = h("ul", { class: "plain-list" });
  for (const order of recent.items) {
    const slot = h("span", { class: "muted" }, t("common.loading"));
    list.append(h("li", {}, h("a", { href: `#/orders/${order.id}` }, t("orders.shortId", { id: order.id.slice(0, 8) })), " · ", order.customerEmail, " · ", formatMoney(order.total), " · ", slot));
    api("GET", "/invoices", { query: { orderId: order.id }, signal })
      .then((found) => replace(slot, found.items[0] ? h("a", { href: `#/invoices/${found.items[0].id}` }, found.items[0].number) : t("order.invoicePending")))
      .catch(() => replace(slot, t("admin.invoices.unavailable")));
  }

  function invoiceRow(invoice) {
    return h("p", {}, h("a", { href: `#/invoices/${invoice.id}` }, invoice.number), " · ", formatMoney(invoice.total), " · ", h("a", { href: `#/orders/${invoice.orderId}` }, t("admin.invoices.order")));
  }

  return [
    pageTitle(t("admin.invoices.title")),
    h("p", {}, t("admin.invoices.intro")),
    form.element,
    result,
    h("h2", {}, t("admin.invoices.recent")),
    recent.items.length ? list : emptyState(t("admin.invoices.noneRecent")),
  ];
}

// ---- imports ----------------------------------------------------------------------------

const FINAL = new Set(["processed", "invalid", "cancelled", "timed_out"]);
const MAX_IMPORT_BYTES = 1024 * 1024;

// The import.url reply: a presigned POST (fields first, the file last) or, from earlier
// servers, a presigned PUT with its headers.
function uploadRequest(message, file) {
  if (message.method !== "POST") return { method: "PUT", headers: message.headers || {}, body: file };
  const form = new FormData();
  for (const [name, value] of Object.entries(message.fields || {})) form.append(name, value);
  form.append("file", file);
  return { method: "POST", body: form };
}

function waitForReply(types, timeoutMs = 10_000) {
  return new Promise((resolve, reject) => {
    const stops = [];
    const finish = (fn, value) => {
      stops.forEach((stop) => stop());
      clearTimeout(timer);
      fn(value);
    };
    for (const type of types) stops.push(on(type, (message) => finish(resolve, message)));
    const timer = setTimeout(() => finish(reject, new Error("timeout")), timeoutMs);
  });
}

export async function adminImportsView({ onCleanup, announce }) {
  const imports = new Map(); // transactionId -> { file, status, reasons, invoiceId, row }
  const tbody = h("tbody", {});
  const table = h(
    "table",
    { class: "table imports" },
    h("caption", { class: "visually-hidden" }, t("admin.imports.caption")),
    h("thead", {}, h("tr", {}, [t("admin.imports.file"), t("admin.imports.status"), t("admin.imports.details"), h("span", { class: "visually-hidden" }, t("cart.actions"))].map((label) => h("th", { scope: "col" }, label)))),
    tbody,
  );

  function renderRow(entry) {
    const details = [];
    if (entry.status === "processed" && entry.invoiceId) details.push(t("admin.imports.stored", { id: entry.invoiceId }));
    if (entry.reasons?.length) {
      details.push(h("ul", { class: "reasons" }, entry.reasons.map((reason) => h("li", {}, h("code", {}, reason.field), " ", h("span", { lang: "en" }, reason.message)))));
    }
    if (entry.error) details.push(entry.error);
    const cancel =
      !FINAL.has(entry.status) && entry.transactionId
        ? h(
            "button",
            {
              type: "button",
              class: "secondary",
              onclick: () => {
                if (!send({ action: "cancelImport", transactionId: entry.transactionId })) {
                  entry.error = t("realtime.closed");
                  renderRow(entry);
                }
              },
            },
            t("admin.imports.cancel"),
            h("span", { class: "visually-hidden" }, ` ${entry.file}`),
          )
        : null;
    replace(
      entry.row,
      h("th", { scope: "row" }, entry.file),
      h("td", { "data-label": t("admin.imports.status") }, h("span", { class: ["badge", `import-${entry.status}`] }, t(`import.${entry.status}`))),
      h("td", { "data-label": t("admin.imports.details") }, details),
      h("td", {}, cancel),
    );
  }

  function update(entry, changes) {
    Object.assign(entry, changes);
    renderRow(entry);
    announce(t("admin.imports.announce", { file: entry.file, status: t(`import.${entry.status}`) }));
  }

  onCleanup(
    on("import.status", (message) => {
      const entry = imports.get(message.transactionId);
      if (!entry) return;
      update(entry, { status: message.status, reasons: message.reasons || [], invoiceId: message.invoiceId || null, error: null });
    }),
  );

  const form = createForm({
    submitLabel: t("admin.imports.upload"),
    busyLabel: t("admin.imports.uploading"),
    onsubmit: async (_values, helpers) => {
      const input = form.fields.get("file").input;
      const file = input.files[0];
      if (!file) {
        helpers.setFieldError("file", t("admin.imports.chooseFile"));
        input.focus();
        return;
      }
      if (file.size === 0 || file.size > MAX_IMPORT_BYTES) {
        helpers.setFieldError("file", t("admin.imports.fileSize"));
        input.focus();
        return;
      }
      const entry = { file: file.name, status: "requesting", reasons: [], row: h("tr", {}) };
      tbody.prepend(entry.row);
      update(entry, {});
      if (!(await ready(5000))) {
        update(entry, { status: "failed", error: t("realtime.closed") });
        return;
      }
      const reply = waitForReply(["import.url", "error"]);
      send({ action: "getImportUrl" });
      let message;
      try {
        message = await reply;
      } catch {
        update(entry, { status: "failed", error: t("admin.imports.noUrl") });
        return;
      }
      if (message.type === "error") {
        update(entry, { status: "failed", error: t("admin.imports.refused") });
        return;
      }
      entry.transactionId = message.transactionId;
      imports.set(message.transactionId, entry);
      update(entry, { status: "uploading" });
      let response;
      try {
        response = await fetch(message.uploadUrl, uploadRequest(message, file));
      } catch {
        response = null;
      }
      if (!response?.ok) {
        const tooLarge = response && (await response.text().catch(() => "")).includes("EntityToo");
        update(entry, { status: "failed", error: t(tooLarge ? "admin.imports.uploadTooLarge" : "admin.imports.uploadFailed") });
        return;
      }
      if (entry.status === "uploading") update(entry, { status: "pending" });
      input.value = "";
    },
  });
  const fileInput = form.field("file", t("admin.imports.fileLabel"), { type: "file", required: true, hint: t("admin.imports.fileHint") });
  fileInput.setAttribute("accept", ".json,application/json");

  return [pageTitle(t("admin.imports.title")), h("p", {}, t("admin.imports.intro")), form.element, h("h2", {}, t("admin.imports.listTitle")), table];
}
