// Sign-in, sign-up, code confirmation and forgotten password (Cognito's JSON API).

import { h } from "../h.js";
import { t } from "../i18n.js";
import {
  confirmForgotPassword,
  confirmSignUp,
  forgotPassword,
  passwordProblems,
  resendCode,
  signIn,
  signUp,
} from "../auth.js";
import { navigate, safeNext } from "../router.js";
import { alertBox, createForm, messageSlot, pageTitle } from "../ui.js";

const NOTICES = { expired: "signin.expired", signedOut: "signin.signedOut", confirmed: "signin.confirmed", reset: "signin.reset" };

function withNext(hash, query) {
  return query.next ? `${hash}${hash.includes("?") ? "&" : "?"}next=${encodeURIComponent(query.next)}` : hash;
}

function passwordPolicy(id) {
  return h(
    "ul",
    { class: "policy", id },
    ["length", "upper", "lower", "digit", "symbol"].map((rule) => h("li", { dataset: { rule } }, t(`password.${rule}`))),
  );
}

function trackPolicy(input, list) {
  const update = () => {
    const problems = passwordProblems(input.value);
    for (const item of list.children) item.classList.toggle("met", input.value !== "" && !problems.includes(item.dataset.rule));
  };
  input.addEventListener("input", update);
}

function checkPassword(form, name, password) {
  const problems = passwordProblems(password);
  if (!problems.length) return true;
  form.setFieldError(name, t("password.invalid", { rules: problems.map((rule) => t(`password.${rule}`)).join("; ") }));
  return false;
}

export async function signInView({ query }) {
  const form = createForm({
    submitLabel: t("signin.submit"),
    busyLabel: t("signin.busy"),
    onsubmit: async (values) => {
      try {
        await signIn(values.email.trim(), values.password);
      } catch (error) {
        if (error.code === "UserNotConfirmedException") {
          navigate(withNext(`#/confirm?email=${encodeURIComponent(values.email.trim())}&unconfirmed=1`, query));
          return;
        }
        throw error;
      }
      navigate(safeNext(query.next));
    },
  });
  form.field("email", t("field.email"), { type: "email", required: true, autocomplete: "username", value: query.email || "" });
  form.field("password", t("field.password"), { type: "password", required: true, autocomplete: "current-password" });
  const noticeKey = Object.keys(NOTICES).find((key) => query[key]);
  return [
    pageTitle(t("signin.title")),
    noticeKey ? alertBox(t(NOTICES[noticeKey]), { kind: "info" }) : null,
    form.element,
    h(
      "p",
      { class: "aside" },
      h("a", { href: withNext("#/forgot", query) }, t("signin.forgot")),
      " · ",
      h("a", { href: withNext("#/signup", query) }, t("signin.noAccount")),
    ),
  ];
}

export async function signUpView({ query }) {
  const form = createForm({
    submitLabel: t("signup.submit"),
    busyLabel: t("signup.busy"),
    onsubmit: async (values, helpers) => {
      const email = values.email.trim();
      let ok = true;
      if (!values.name.trim()) {
        helpers.setFieldError("name", t("field.required"));
        ok = false;
      }
      if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) {
        helpers.setFieldError("email", t("field.emailInvalid"));
        ok = false;
      }
      if (!checkPassword(form, "password", values.password)) ok = false;
      if (!ok) {
        form.message.show(t("form.fixFields"));
        form.body.querySelector("[aria-invalid]")?.focus();
        return;
      }
      try {
        await signUp({ email, name: values.name.trim(), password: values.password });
      } catch (error) {
        if (error.code === "UsernameExistsException") {
          helpers.setFieldError("email", t("cognito.UsernameExistsException"));
        } else if (error.code === "InvalidPasswordException") {
          helpers.setFieldError("password", t("cognito.InvalidPasswordException"));
        }
        throw error;
      }
      navigate(withNext(`#/confirm?email=${encodeURIComponent(email)}&sent=1`, query));
    },
  });
  form.field("email", t("field.email"), { type: "email", required: true, autocomplete: "email", value: query.email || "" });
  form.field("name", t("field.name"), { required: true, autocomplete: "name" });
  const password = form.field("password", t("field.password"), {
    type: "password",
    required: true,
    autocomplete: "new-password",
    hint: t("password.policyTitle"),
  });
  const policy = passwordPolicy("password-policy");
  password.setAttribute("aria-describedby", `${password.getAttribute("aria-describedby")} password-policy`);
  password.closest(".field").insertBefore(policy, password);
  trackPolicy(password, policy);
  return [
    pageTitle(t("signup.title")),
    h("p", {}, t("signup.intro")),
    form.element,
    h("p", { class: "aside" }, h("a", { href: withNext("#/signin", query) }, t("signup.haveAccount"))),
  ];
}

export async function confirmView({ query }) {
  const resendStatus = messageSlot();
  const form = createForm({
    submitLabel: t("confirm.submit"),
    busyLabel: t("confirm.busy"),
    onsubmit: async (values) => {
      const email = values.email.trim();
      await confirmSignUp(email, values.code.trim());
      navigate(withNext(`#/signin?confirmed=1&email=${encodeURIComponent(email)}`, query));
    },
  });
  const email = form.field("email", t("field.email"), { type: "email", required: true, autocomplete: "username", value: query.email || "" });
  form.field("code", t("field.code"), { required: true, autocomplete: "one-time-code", inputmode: "numeric", hint: t("confirm.codeHint") });
  const resend = h(
    "button",
    {
      type: "button",
      class: "secondary",
      onclick: async () => {
        resend.disabled = true;
        resendStatus.clear();
        try {
          await resendCode(email.value.trim());
          resendStatus.show(t("confirm.resent"), { kind: "info" });
        } catch (error) {
          resendStatus.show(error);
        } finally {
          resend.disabled = false;
        }
      },
    },
    t("confirm.resend"),
  );
  const intro = query.unconfirmed ? t("confirm.unconfirmed") : t("confirm.intro");
  return [pageTitle(t("confirm.title")), h("p", {}, intro), form.element, h("div", { class: "aside" }, resend, resendStatus.element)];
}

export async function forgotView({ query }) {
  const container = h("div", {});
  const askForCode = createForm({
    submitLabel: t("forgot.send"),
    busyLabel: t("forgot.sending"),
    onsubmit: async (values) => {
      await forgotPassword(values.email.trim());
      showReset(values.email.trim());
    },
  });
  askForCode.field("email", t("field.email"), { type: "email", required: true, autocomplete: "username", value: query.email || "" });

  function showReset(emailAddress) {
    const reset = createForm({
      submitLabel: t("forgot.submit"),
      busyLabel: t("forgot.busy"),
      onsubmit: async (values) => {
        if (!checkPassword(reset, "password", values.password)) {
          reset.message.show(t("form.fixFields"));
          return;
        }
        await confirmForgotPassword(emailAddress, values.code.trim(), values.password);
        navigate(withNext(`#/signin?reset=1&email=${encodeURIComponent(emailAddress)}`, query));
      },
    });
    reset.field("code", t("field.code"), { required: true, autocomplete: "one-time-code", inputmode: "numeric", hint: t("forgot.codeHint", { email: emailAddress }) });
    const password = reset.field("password", t("field.newPassword"), { type: "password", required: true, autocomplete: "new-password", hint: t("password.policyTitle") });
    const policy = passwordPolicy("reset-policy");
    password.setAttribute("aria-describedby", `${password.getAttribute("aria-describedby")} reset-policy`);
    password.closest(".field").insertBefore(policy, password);
    trackPolicy(password, policy);
    container.replaceChildren(alertBox(t("forgot.codeSent"), { kind: "info" }), reset.element);
    reset.fields.get("code").input.focus();
  }

  container.append(askForCode.element);
  return [pageTitle(t("forgot.title")), h("p", {}, t("forgot.intro")), container, h("p", { class: "aside" }, h("a", { href: withNext("#/signin", query) }, t("forgot.back")))];
}
