// Every write the console sends goes through one flow: a form, then what will happen in words (and, for
// a discount, the price the bill registry quotes), then the caller confirms. A hosted participant's write
// is sent as it is; a self-custody participant's is prepared by the gateway, signed in this page (wallet or
// keystore file) and sent with its signature (docs/SIGNING.md). Problems are shown in words with their code.
import { ApiProblem, api, write } from "./api.js";
import { addressBook } from "./parties.js";
import { hasWallet, signWithKeystore, signWithWallet } from "./sign.js";
import { typedTable } from "./typed.js";
import { t } from "./messages.js";
import { field, h, replace, toast } from "./ui.js";
import { problemText } from "./words.js";

/**
 * A field of an action's form. A select's options are [value, label] pairs; a checkbox is checked unless
 * its value is false.
 * @typedef {object} FieldSpec
 * @property {string} name
 * @property {string} label
 * @property {"text" | "select" | "checkbox" | "file" | "date"} [type]
 * @property {boolean} [required]
 * @property {string | number | boolean} [value]
 * @property {string} [placeholder]
 * @property {"decimal" | "numeric"} [inputmode]
 * @property {Array<[string | number, string]>} [options]
 */

/**
 * What a form's fields hold: text trimmed, a checkbox true or false, a file or null.
 * @typedef {Record<string, any>} Values
 */

/**
 * An action on the page: a button opening its form; what it will do in words (may be async, e.g. a quote);
 * the body of the write to `path` (may be async, e.g. an upload first).
 * @typedef {object} ActionSpec
 * @property {string} key
 * @property {string} label
 * @property {boolean} [danger]
 * @property {FieldSpec[]} fields
 * @property {string} path
 * @property {(values: Values) => object | Promise<object>} body
 * @property {(values: Values) => string | Promise<string>} consequence
 */

/** @param {FieldSpec} spec */
function control(spec) {
  const attrs = { name: spec.name, required: spec.required, testid: `field-${spec.name}` };
  if (spec.type === "select") {
    return h("select", attrs, (spec.options || []).map(([value, label]) =>
      h("option", { value, selected: String(value) === String(spec.value ?? "") }, label)));
  }
  if (spec.type === "checkbox") return h("input", { ...attrs, type: "checkbox", checked: spec.value !== false });
  if (spec.type === "file") return h("input", { ...attrs, type: "file" });
  return h("input", {
    ...attrs, type: spec.type || "text", value: spec.value ?? "", placeholder: spec.placeholder,
    autocomplete: "off", inputmode: spec.inputmode,
  });
}

/**
 * @param {HTMLFormElement} form
 * @param {ActionSpec} spec
 * @returns {Values}
 */
function values(form, spec) {
  /** @type {Values} */
  const out = {};
  for (const f of spec.fields) {
    const el = /** @type {HTMLInputElement | HTMLSelectElement} */ (form.elements.namedItem(f.name));
    if (el instanceof HTMLInputElement && f.type === "checkbox") out[f.name] = el.checked;
    else if (el instanceof HTMLInputElement && f.type === "file") out[f.name] = el.files?.[0] || null;
    else out[f.name] = el.value.trim();
  }
  return out;
}

/**
 * An error in words: an API problem with its reason and code, anything else as its message.
 * @param {unknown} error
 */
function problemBox(error) {
  const text = error instanceof ApiProblem ? problemText(error)
    : t("action.wentWrong", { message: (error instanceof Error && error.message) || String(error) });
  return h("div", { class: "problem", role: "alert", testid: "problem", text });
}

/**
 * The signature of a prepared operation, made in this page: with the wallet, or a keystore file unlocked here.
 * What is signed is shown first: the gateway's summary, and the typed data itself, field by field.
 * @param {HTMLElement} box
 * @param {Api.Prepared} prepared
 * @param {(address: string) => string | null} book names an account by its address
 * @returns {Promise<string>}
 */
async function signingStep(box, prepared, book) {
  const summary = h("p", { class: "muted" }, t("sign.gatewaySummary"), " ", prepared.summary);
  const out = h("div");
  box.replaceChildren(h("p", {}, h("strong", { text: t("sign.check") })), typedTable(prepared, book), summary, out);
  return new Promise((resolve, reject) => {
    if (hasWallet()) {
      const go = h("button", { type: "button", testid: "sign-wallet", text: t("sign.withWallet") });
      go.addEventListener("click", () => signWithWallet(prepared).then(resolve, reject));
      out.append(go);
      go.focus();
      return;
    }
    const file = h("input", { type: "file", accept: ".json,application/json", testid: "keystore-file" });
    const password = h("input", { type: "password", autocomplete: "off", testid: "keystore-password" });
    const form = h(
      "form", { class: "panel", testid: "keystore-form" },
      h("p", { class: "muted", text: t("sign.keystoreStaysHere") }),
      field(t("sign.keystoreFile"), file),
      field(t("sign.keystorePassword"), password),
      h("button", { type: "submit", testid: "sign-keystore", text: t("sign.unlockAndSign") }),
    );
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const chosen = file.files?.[0];
      if (!chosen) return;
      const button = /** @type {HTMLButtonElement} */ (form.querySelector("button"));
      button.disabled = true;
      button.textContent = t("sign.unlocking");
      try {
        resolve(await signWithKeystore(prepared, await chosen.text(), password.value));
      } catch (error) {
        reject(error);
      } finally {
        password.value = "";
      }
    });
    out.append(form);
    file.focus();
  });
}

/**
 * Sends a confirmed write: directly (hosted key), or prepared, signed here and sent (self custody).
 * @param {Ctx} ctx
 * @param {string} path
 * @param {object} body
 * @param {HTMLElement} box where the signing step shows
 */
async function send(ctx, path, body, box) {
  if (ctx.me.custody !== "self") return write(path, body);
  /** @type {[Api.Prepared, (address: string) => string | null]} */
  const [prepared, book] = await Promise.all([api("POST", path + "/prepare", { body }), addressBook()]);
  let signature;
  try {
    signature = await signingStep(box, prepared, book);
  } catch (error) {
    const why = error instanceof Error ? error.message : "";
    const words = why === "keystore-account" ? t("sign.notYourKeystore", { id: ctx.me.id })
      : why === "wallet-account" ? t("sign.noWalletAccount", { id: ctx.me.id })
        : t("sign.cannotUnlock");
    throw new Error(words);
  }
  replace(box, h("p", { class: "muted", text: t("sign.sending") }));
  return api("POST", prepared.submit.path, {
    body,
    headers: { ...prepared.submit.headers, "Billchain-Signature": signature, "Idempotency-Key": crypto.randomUUID() },
  });
}

/**
 * A button that opens the action's form.
 * @param {ActionSpec} spec
 * @param {Ctx} ctx
 */
export function action(spec, ctx) {
  const panel = h("div", { hidden: true, testid: `panel-${spec.key}` });
  const open = h("button", {
    type: "button", class: spec.danger ? "danger" : "quiet", "aria-expanded": "false",
    testid: `action-${spec.key}`, text: spec.label,
  });
  open.addEventListener("click", () => {
    const opening = panel.hidden;
    panel.hidden = !opening;
    open.setAttribute("aria-expanded", String(opening));
    if (opening) render();
  });

  function render() {
    const form = h("form", { class: "panel", "aria-label": spec.label },
      spec.fields.map((f) => field(f.label, control(f))),
      h("button", { type: "submit", testid: `review-${spec.key}`, text: t("action.review") }));
    const out = h("div", { "aria-live": "polite" });
    panel.replaceChildren(form, out);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const vals = values(form, spec);
      replace(out, h("p", { class: "muted", text: t("action.checking") }));
      let words;
      try {
        words = await spec.consequence(vals);
      } catch (error) {
        replace(out, problemBox(error));
        return;
      }
      const confirm = h("button", {
        type: "button", class: spec.danger ? "danger" : "", testid: `confirm-${spec.key}`,
        text: ctx.me.custody === "self" ? t("action.confirmAndSign") : t("action.confirmAndSend"),
      });
      const box = h("div");
      replace(out, h("div", { class: "consequence", testid: "consequence", text: words }), confirm, box);
      confirm.focus();
      confirm.addEventListener("click", async () => {
        confirm.disabled = true;
        try {
          const body = await spec.body(vals);
          const result = await send(ctx, spec.path, body, box);
          const tx = result && result.tx;
          const note = tx ? t("action.doneInBlock", { tx: `${tx.hash.slice(0, 10)}…`, block: tx.block_number }) : t("action.done");
          toast(note);
          await ctx.refresh(result);
        } catch (error) {
          confirm.disabled = false;
          replace(box, problemBox(error));
        }
      });
    });
    const first = /** @type {HTMLInputElement | HTMLSelectElement | null} */ (form.querySelector("input, select"));
    if (first) first.focus();
  }

  return h("div", { class: "action" }, open, panel);
}

export { problemBox };
