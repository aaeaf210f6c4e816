// Texts: every string a person reads comes from a catalog in web/i18n/<lang>.json.
// t("orders.placedAt", { date }) fills {date}. The chosen language is remembered.

export const LANGUAGES = ["en", "pt-BR"];
const STORAGE_KEY = "shop.lang";
let lang = "en";
let messages = {};
let fallback = {};

function preferredLanguage() {
  const stored = localStorage.getItem(STORAGE_KEY);
  if (LANGUAGES.includes(stored)) return stored;
  return (navigator.language || "").toLowerCase().startsWith("pt") ? "pt-BR" : "en";
}

async function fetchCatalog(language) {
  const response = await fetch(`i18n/${language}.json`);
  if (!response.ok) throw new Error(`i18n/${language}.json: HTTP ${response.status}`);
  return response.json();
}

export async function initI18n() {
  await setLanguage(preferredLanguage(), { remember: false });
}

export async function setLanguage(language, { remember = true } = {}) {
  if (!LANGUAGES.includes(language)) language = "en";
  const [catalog, english] = await Promise.all([
    fetchCatalog(language),
    language === "en" ? null : fetchCatalog("en"),
  ]);
  messages = catalog;
  fallback = english || catalog;
  lang = language;
  document.documentElement.lang = language;
  if (remember) localStorage.setItem(STORAGE_KEY, language);
}

export function getLanguage() {
  return lang;
}

export function t(key, params = {}) {
  let text = messages[key] ?? fallback[key];
  if (text === undefined) {
    console.warn(`missing message: ${key}`);
    return key;
  }
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole));
}

export function has(key) {
  return key in messages || key in fallback;
}

export function formatMoney(money) {
  if (!money || typeof money.amount !== "number") return "";
  const format = new Intl.NumberFormat(lang, { style: "currency", currency: money.currency });
  const digits = format.resolvedOptions().maximumFractionDigits;
  return format.format(money.amount / 10 ** digits);
}

/** Minor units for an amount typed in the currency's major unit ("12.99" EUR -> 1299). */
export function minorUnits(text, currency) {
  const digits = new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions()
    .maximumFractionDigits;
  const normalized = String(text).trim().replace(",", ".");
  if (!/^\d+(\.\d+)?$/.test(normalized)) return null;
  const [whole, fraction = ""] = normalized.split(".");
  if (fraction.length > digits) return null;
  return Number(whole) * 10 ** digits + Number(fraction.padEnd(digits, "0") || 0);
}

export function majorUnits(money) {
  const digits = new Intl.NumberFormat("en", { style: "currency", currency: money.currency })
    .resolvedOptions().maximumFractionDigits;
  return (money.amount / 10 ** digits).toFixed(digits);
}

export function formatDate(iso) {
  if (!iso) return "";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeStyle: "short" }).format(date);
}
