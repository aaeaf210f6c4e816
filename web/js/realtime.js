// One WebSocket per signed-in tab (websocketUrl?token=<ID token>), opened when a view
// listens and reconnected with backoff while anyone listens. Messages are JSON objects
// with a `type` (schemas/websocket/); unknown types are ignored.

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
    token = await idToken();
  } catch {
    setState("closed");
    return;
  }
  const url = new URL(getConfig().websocketUrl);
  url.searchParams.set("token", token);
  const ws = new WebSocket(url);
  socket = ws;
  ws.addEventListener("open", () => ws.send(JSON.stringify({ action: "subscribe" })));
  ws.addEventListener("message", (event) => {
    let message;
    try {
      message = JSON.parse(event.data);
    } catch {
      return;
    }
    if (message.type === "subscribed") {
      retryDelay = 1000;
      setState("open");
    }
    listeners.get(message.type)?.forEach((listener) => listener(message));
  });
  ws.addEventListener("close", () => {
    if (socket === ws) socket = null;
    setState("closed");
    if (wanted > 0) {
      retryTimer = setTimeout(connect, retryDelay);
      retryDelay = Math.min(retryDelay * 2, 30_000);
    }
  });
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
