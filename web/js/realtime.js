// One WebSocket per signed-in tab (websocketUrl?token=<ID token>), opened when a view
// listens and reconnected with backoff while anyone listens. Messages are JSON objects
// with a `type` (schemas/websocket/); unknown types are ignored.
// The server ends a session when its token expires (an `error` frame "session expired",
// then a close; or just the close, from the minute sweep): we reconnect at once with a
// refreshed token, showing "connecting" meanwhile, and back off only if that fails.

import { getConfig } from "./config.js";
import { idToken } from "./auth.js";

const listeners = new Map(); // type -> Set(fn)
const stateListeners = new Set();
let socket = null;
let state = "closed"; // closed | connecting | open
let readyWaiters = [];
let retryDelay = 1000;
let retryTimer = null;
let wanted = 0;
let freshToken = false; // the next connect refreshes the ID token first
const SESSION_EXPIRED = "session expired";

function setState(next) {
  state = next;
  stateListeners.forEach((listener) => listener(state));
  if (state === "open") {
    readyWaiters.forEach((resolve) => resolve(true));
    readyWaiters = [];
  }
}

export function connectionState() {
  return state;
}

export function onConnectionState(listener) {
  stateListeners.add(listener);
  return () => stateListeners.delete(listener);
}

async function connect() {
  if (socket || state === "connecting") return;
  clearTimeout(retryTimer);
  setState("connecting");
  let token;
  try {
    token = await idToken({ fresh: freshToken });
    freshToken = false;
  } catch {
    setState("closed");
    return;
  }
  const url = new URL(getConfig().websocketUrl);
  url.searchParams.set("token", token);
  const ws = new WebSocket(url);
  socket = ws;
  let subscribed = false;
  let expired = false;
  ws.addEventListener("open", () => ws.send(JSON.stringify({ action: "subscribe" })));
  ws.addEventListener("message", (event) => {
    let message;
    try {
      message = JSON.parse(event.data);
    } catch {
      return;
    }
    if (message.type === "error" && message.message === SESSION_EXPIRED) {
      expired = true; // not the views' business: we reconnect
      return;
    }
    if (message.type === "subscribed") {
      subscribed = true;
      retryDelay = 1000;
      setState("open");
    }
    listeners.get(message.type)?.forEach((listener) => listener(message));
  });
  ws.addEventListener("close", () => {
    if (socket !== ws) return; // closed by disconnect()
    socket = null;
    if (wanted === 0) {
      setState("closed");
      return;
    }
    // "session expired": reconnect now with a fresh token. Any other close (the sweep
    // ending an idle expired session, a refused handshake, the network) retries with
    // backoff, also with a fresh token in case ours is why; a socket that had subscribed
    // shows "connecting" meanwhile, not "closed".
    freshToken = true;
    setState(expired || subscribed ? "connecting" : "closed");
    retryTimer = setTimeout(reconnect, expired ? 0 : retryDelay);
    if (!expired) retryDelay = Math.min(retryDelay * 2, 30_000);
  });
}

function reconnect() {
  if (state === "connecting") setState("closed"); // connect() moves it on
  connect();
}

/** Listens to one message type; returns the function that stops listening. */
export function on(type, listener) {
  if (!listeners.has(type)) listeners.set(type, new Set());
  listeners.get(type).add(listener);
  wanted += 1;
  connect();
  return () => {
    listeners.get(type).delete(listener);
    wanted -= 1;
    if (wanted === 0) setTimeout(() => wanted === 0 && disconnect(), 30_000);
  };
}

/** Resolves true once subscribed, false after `timeoutMs` (the caller goes on regardless). */
export function ready(timeoutMs = 3000) {
  if (state === "open") return Promise.resolve(true);
  connect();
  return new Promise((resolve) => {
    readyWaiters.push(resolve);
    setTimeout(() => resolve(false), timeoutMs);
  });
}

export function send(message) {
  if (!socket || socket.readyState !== WebSocket.OPEN) return false;
  socket.send(JSON.stringify(message));
  return true;
}

export function disconnect() {
  clearTimeout(retryTimer);
  const ws = socket;
  socket = null;
  ws?.close();
  setState("closed");
}
