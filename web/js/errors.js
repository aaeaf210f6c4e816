// Errors as sentences in the person's language, never raw JSON.

import { ApiError } from "./api.js";
import { CognitoError, SessionExpired } from "./auth.js";
import { has, t } from "./i18n.js";

export function errorSentence(error) {
  if (error instanceof SessionExpired) return t("error.sessionExpired");
  if (error instanceof CognitoError) {
    const key = `cognito.${error.code}`;
    return has(key) ? t(key) : t("cognito.unknown");
  }
  if (error instanceof ApiError) {
    if (error.status === 0) return t("error.network");
    if (error.error === "ProductNotYetAvailable") return t("error.productNotYetAvailable");
    if (error.status === 403 && /verif/i.test(error.message)) return t("error.verifyEmail");
    if (error.error === "IdempotencyKeyReused") return t("error.idempotencyKeyReused");
    const byStatus = {
      400: "error.validation",
      403: "error.forbidden",
      404: "error.notFound",
      409: "error.conflict",
      413: "error.tooLarge",
      415: "error.validation",
      422: "error.validation",
      429: "error.throttled",
    };
    if (byStatus[error.status]) return t(byStatus[error.status]);
    return error.status >= 500 ? t("error.server") : t("error.unknown");
  }
  return t("error.unknown");
}

/** The API's explanation, when it has one worth showing beside our sentence. */
export function errorDetail(error) {
  if (error instanceof ApiError && error.status !== 0 && error.message && !error.fields.length) {
    return error.message;
  }
  return null;
}

/** API field path -> form field name: "body.price.amount" -> "price.amount". */
export function fieldName(path) {
  return String(path).replace(/^(body|query|path|header)\./, "");
}
