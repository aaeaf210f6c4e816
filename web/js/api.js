// The REST API: ID token in Authorization (no "Bearer"), JSON both ways, errors as ApiError.
// A 401 (or a session that cannot be refreshed) calls the handler set by main.js, which
// sends the person to sign-in and back.

import { getConfig } from "./config.js";
import { idToken, SessionExpired } from "./auth.js";

export class ApiError extends Error {
  constructor(status, body = {}, headers = null) {
    super(body.message || `HTTP ${status}`);
    this.status = status;
    this.error = body.error || (status === 0 ? "NetworkError" : `HTTP${status}`);
    this.fields = Array.isArray(body.fields) ? body.fields : [];
    this.retryAfter = Number(headers?.get("Retry-After")) || null;
  }
}

let onSessionExpired = () => {};
export function setSessionExpiredHandler(handler) {
  onSessionExpired = handler;
}

export async function api(method, path, { body, query, headers = {}, signal } = {}) {
  let token;
  try {
    token = await idToken();
  } catch (error) {
    if (error instanceof SessionExpired) onSessionExpired();
    throw error;
  }
  const url = new URL(getConfig().restUrl + path);
  for (const [name, value] of Object.entries(query || {})) {
    if (value !== undefined && value !== null && value !== "") url.searchParams.set(name, value);
  }
  const init = { method, headers: { Authorization: token, ...headers }, signal };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(url, init);
  } catch (error) {
    if (error.name === "AbortError") throw error;
    throw new ApiError(0);
  }
  if (response.status === 204) return null;
  const data = await response.json().catch(() => ({}));
  if (response.status === 401) {
    onSessionExpired();
    throw new SessionExpired();
  }
  if (!response.ok) throw new ApiError(response.status, data, response.headers);
  return data;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** POST /orders with the checkout attempt's Idempotency-Key. A product the orders service
 * does not know yet (409 ProductNotYetAvailable, Retry-After) or a first attempt still
 * running (409 RequestInProgress, Retry-After) is retried with the same key for up to
 * ~15 s, silently; then the error goes to the caller. */
export async function placeOrder(body, idempotencyKey, { patienceMs = 15_000 } = {}) {
  const deadline = Date.now() + patienceMs;
  for (;;) {
    try {
      return await api("POST", "/orders", { body, headers: { "Idempotency-Key": idempotencyKey } });
    } catch (error) {
      const retryable =
        error instanceof ApiError &&
        error.status === 409 &&
        (error.error === "ProductNotYetAvailable" || error.error === "RequestInProgress");
      const wait = Math.min(Math.max((error.retryAfter || 1) * 1000, 250), 5000);
      if (!retryable || Date.now() + wait > deadline) throw error;
      await sleep(wait);
    }
  }
}
