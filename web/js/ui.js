// Small building blocks the views share: headings, forms with per-field errors, alerts,
// loading and empty states, the status badge.

import { h, replace, uniqueId } from "./h.js";
import { t } from "./i18n.js";
import { errorDetail, errorSentence, fieldName } from "./errors.js";

export function pageTitle(text, ...extra) {
  return h("div", { class: "page-head" }, h("h1", { tabindex: "-1" }, text), ...extra);
}

export function loading() {
  return h("p", { class: "loading", role: "status" }, h("span", { class: "spinner", "aria-hidden": "true" }), t("common.loading"));
}

export function alertBox(error, { kind = "error" } = {}) {
  const detail = error ? errorDetail(error) : null;
  return h(
    "div",
    { class: ["alert", `alert-${kind}`], role: kind === "error" ? "alert" : "status" },
    h("p", {}, typeof error === "string" ? error : errorSentence(error)),
    detail ? h("p", { class: "detail", lang: "en" }, detail) : null,
  );
}

/** A slot that holds one alert at a time (for form-level errors and notices). */
export function messageSlot() {
  const slot = h("div", { class: "message-slot" });
  return {
    element: slot,
    show(error, options) {
      replace(slot, alertBox(error, options));
    },
    clear() {
      replace(slot);
    },
  };
}

/**
 * A form whose fields know their API path, so validation errors land next to the input.
 *   const form = createForm({ onsubmit: async (values) => ... });
 *   form.field("price.amount", t("product.price"), { type: "text", required: true })
 */
export function createForm({ onsubmit, submitLabel, busyLabel, className }) {
  const fields = new Map();
  const message = messageSlot();
  const button = h("button", { type: "submit", class: "primary" }, submitLabel);
  const body = h("div", { class: "form-fields" });
  const element = h("form", { class: ["form", className], novalidate: true }, message.element, body, h("div", { class: "form-actions" }, button));
  let busy = false;

  function field(name, label, { type = "text", hint, options, value, required, autocomplete, inputmode, min, max, step, rows } = {}) {
    const id = uniqueId("f");
    const errorId = `${id}-error`;
    const hintId = hint ? `${id}-hint` : null;
    let input;
    const common = {
      id,
      name,
      required,
      autocomplete,
      inputmode,
      "aria-describedby": [hintId, errorId].filter(Boolean).join(" "),
    };
    if (type === "select") {
      input = h("select", common, options.map((option) => h("option", { value: option.value, selected: option.value === value }, option.label)));
    } else if (type === "textarea") {
      input = h("textarea", { ...common, rows: rows || 3 }, value ?? "");
    } else {
      input = h("input", { ...common, type, value: value ?? "", min, max, step });
    }
    const error = h("p", { class: "field-error", id: errorId });
    const wrapper = h(
      "div",
      { class: "field" },
      h("label", { for: id }, label, required ? h("span", { class: "required", "aria-hidden": "true" }, " *") : null),
      hint ? h("p", { class: "hint", id: hintId }, hint) : null,
      input,
      error,
    );
    fields.set(name, { input, error });
    body.append(wrapper);
    return input;
  }

  function clearErrors() {
    message.clear();
    for (const { input, error } of fields.values()) {
      input.removeAttribute("aria-invalid");
      error.textContent = "";
    }
  }

  function setFieldError(name, text) {
    const entry = fields.get(name);
    if (!entry) return false;
    entry.input.setAttribute("aria-invalid", "true");
    entry.error.textContent = text;
    return true;
  }

  /** Shows an error: field messages next to their inputs, the rest as a sentence on top. */
  function showError(error) {
    const unplaced = [];
    let first = null;
    for (const problem of error?.fields || []) {
      const name = fieldName(problem.field);
      // "lines[0].quantity" style paths or unknown ones go to the summary
      if (setFieldError(name, problem.message)) first ||= fields.get(name).input;
      else unplaced.push(`${problem.field}: ${problem.message}`);
    }
    message.show(error);
    if (unplaced.length) {
      message.element.firstChild.append(h("ul", { lang: "en" }, unplaced.map((line) => h("li", {}, line))));
    }
    (first || message.element.firstChild)?.focus?.();
    if (!first) {
      message.element.firstChild.setAttribute("tabindex", "-1");
      message.element.firstChild.focus();
    }
  }

  function values() {
    const result = {};
    for (const [name, { input }] of fields) result[name] = input.value;
    return result;
  }

  element.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (busy) return;
    clearErrors();
    busy = true;
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    const label = button.textContent;
    if (busyLabel) button.textContent = busyLabel;
    try {
      await onsubmit(values(), { setFieldError, showError, message });
    } catch (error) {
      showError(error);
    } finally {
      busy = false;
      button.disabled = false;
      button.removeAttribute("aria-busy");
      button.textContent = label;
    }
  });

  return { element, field, fields, values, showError, setFieldError, clearErrors, message, button, body };
}

export function statusBadge(status) {
  return h("span", { class: ["badge", `status-${String(status).toLowerCase()}`] }, t(`status.${status}`));
}

export function emptyState(text) {
  return h("p", { class: "empty" }, text);
}

export function link(href, text, attributes = {}) {
  return h("a", { href, ...attributes }, text);
}

export function definitionList(rows) {
  return h("dl", { class: "facts" }, rows.filter(Boolean).map(([term, value]) => [h("dt", {}, term), h("dd", {}, value)]));
}
