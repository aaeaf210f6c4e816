// Cognito through its JSON API (no SDK): sign-up, confirmation, sign-in, refresh,
// forgotten password, sign-out. Tokens live in sessionStorage (gone with the tab).

import { getConfig } from "./config.js";

const SESSION_KEY = "shop.session";
const REFRESH_MARGIN_MS = 60_000;

export class CognitoError extends Error {
  constructor(code, message) {
    super(message || code);
    this.code = code;
  }
}

export class SessionExpired extends Error {
  constructor() {
    super("session expired");
  }
}

async function cognito(action, body) {
  const { cognitoEndpoint } = getConfig();
  let response;
  try {
    response = await fetch(cognitoEndpoint, {
      method: "POST",
      headers: {
        "Content-Type": "application/x-amz-json-1.1",
        "X-Amz-Target": `AWSCognitoIdentityProviderService.${action}`,
      },
      body: JSON.stringify(body),
    });
  } catch {
    throw new CognitoError("NetworkError");
  }
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    const type = String(data.__type || data.code || "UnknownError");
    throw new CognitoError(type.split("#").pop(), data.message || data.Message);
  }
  return data;
}

function clientId() {
  return getConfig().userPoolClientId;
}

export function decodeJwt(token) {
  try {
    const payload = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    const padded = payload + "=".repeat((4 - (payload.length % 4)) % 4);
    const bytes = Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return {};
  }
}

// ---- session --------------------------------------------------------------------------

const listeners = new Set();

export function onSessionChange(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function readSession() {
  try {
    return JSON.parse(sessionStorage.getItem(SESSION_KEY)) || null;
  } catch {
    return null;
  }
}

function storeSession(result, previous = null) {
  const session = {
    idToken: result.IdToken,
    accessToken: result.AccessToken,
    refreshToken: result.RefreshToken || previous?.refreshToken || null,
    expiresAt: Date.now() + (result.ExpiresIn || 3600) * 1000,
  };
  const claimsExpiry = (decodeJwt(session.idToken).exp || 0) * 1000;
  if (claimsExpiry) session.expiresAt = Math.min(session.expiresAt, claimsExpiry);
  sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
  listeners.forEach((listener) => listener(currentUser()));
  return session;
}

export function clearSession() {
  const had = sessionStorage.getItem(SESSION_KEY) !== null;
  sessionStorage.removeItem(SESSION_KEY);
  if (had) listeners.forEach((listener) => listener(null));
}

/** The signed-in person from the ID token, or null. */
export function currentUser() {
  const session = readSession();
  if (!session?.idToken) return null;
  const claims = decodeJwt(session.idToken);
  const groups = claims["cognito:groups"] || [];
  return {
    sub: claims.sub,
    email: claims.email,
    name: claims.name || claims.email,
    groups,
    isAdmin: groups.includes("admin"),
    emailVerified: claims.email_verified === true || claims.email_verified === "true",
  };
}

let refreshing = null;

async function refresh(session) {
  if (!session.refreshToken) throw new SessionExpired();
  try {
    const data = await cognito("InitiateAuth", {
      AuthFlow: "REFRESH_TOKEN_AUTH",
      ClientId: clientId(),
      AuthParameters: { REFRESH_TOKEN: session.refreshToken },
    });
    return storeSession(data.AuthenticationResult, session);
  } catch (error) {
    if (error.code === "NetworkError") throw error;
    clearSession();
    throw new SessionExpired();
  }
}

/** A valid ID token (refreshed when it is about to expire, or always with `fresh`: the
 * server found it expired, e.g. our clock is behind); SessionExpired when none. */
export async function idToken({ fresh = false } = {}) {
  const session = readSession();
  if (!session?.idToken) throw new SessionExpired();
  if (!fresh && Date.now() < session.expiresAt - REFRESH_MARGIN_MS) return session.idToken;
  refreshing ||= refresh(session).finally(() => {
    refreshing = null;
  });
  return (await refreshing).idToken;
}

// ---- flows ----------------------------------------------------------------------------

export function signUp({ email, name, password }) {
  return cognito("SignUp", {
    ClientId: clientId(),
    Username: email,
    Password: password,
    UserAttributes: [
      { Name: "email", Value: email },
      { Name: "name", Value: name },
    ],
  });
}

export function confirmSignUp(email, code) {
  return cognito("ConfirmSignUp", { ClientId: clientId(), Username: email, ConfirmationCode: code });
}

export function resendCode(email) {
  return cognito("ResendConfirmationCode", { ClientId: clientId(), Username: email });
}

export async function signIn(email, password) {
  const data = await cognito("InitiateAuth", {
    AuthFlow: "USER_PASSWORD_AUTH",
    ClientId: clientId(),
    AuthParameters: { USERNAME: email, PASSWORD: password },
  });
  if (!data.AuthenticationResult) throw new CognitoError(data.ChallengeName || "ChallengeRequired");
  storeSession(data.AuthenticationResult);
  return currentUser();
}

export function forgotPassword(email) {
  return cognito("ForgotPassword", { ClientId: clientId(), Username: email });
}

export function confirmForgotPassword(email, code, password) {
  return cognito("ConfirmForgotPassword", {
    ClientId: clientId(),
    Username: email,
    ConfirmationCode: code,
    Password: password,
  });
}

export async function signOut() {
  const session = readSession();
  clearSession();
  if (!session) return;
  // Ends every session of this person (refresh tokens too); a failure still signs out here.
  await cognito("GlobalSignOut", { AccessToken: session.accessToken }).catch(() => {});
}

/** The pool's password policy, checked before asking Cognito (which checks it again). */
export function passwordProblems(password) {
  const problems = [];
  if (password.length < 12) problems.push("length");
  if (!/[A-Z]/.test(password)) problems.push("upper");
  if (!/[a-z]/.test(password)) problems.push("lower");
  if (!/[0-9]/.test(password)) problems.push("digit");
  if (!/[^A-Za-z0-9]/.test(password)) problems.push("symbol");
  return problems;
}
