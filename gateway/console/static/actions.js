// Every write the console sends goes through one flow: a form, then what will happen in words (and, for
// a discount, the price the bill registry quotes), then the caller confirms. A hosted participant's write
// is sent as it is; a self-custody participant's is prepared by the gateway, signed in this page (wallet or
// keystore file) and sent with its signature (docs/SIGNING.md). Problems are shown in words with their code.
import { api, write } from "./api.js";
import { hasWallet, signWithKeystore, signWithWallet } from "./sign.js";
import { L, field, h, toast } from "./ui.js";
import { problemText } from "./words.js";

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

function values(form, spec) {
  const out = {};
  for (const f of spec.fields || []) {
    const el = form.elements.namedItem(f.name);
    if (f.type === "checkbox") out[f.name] = el.checked;
    else if (f.type === "file") out[f.name] = el.files[0] || null;
    else out[f.name] = el.value.trim();
  }
  return out;
}

function problemBox(error) {
  const text = error && error.code ? problemText(error) : L("出错了：", "Something went wrong: ") + (error.message || error);
  return h("div", { class: "problem", role: "alert", testid: "problem", text });
}

async function signingStep(box, prepared) {
  const summary = h("p", {}, h("strong", { text: L("请核对待签名的内容：", "Check what you sign: ") }), prepared.summary);
  const out = h("div");
  box.replaceChildren(summary, out);
  return new Promise((resolve, reject) => {
    if (hasWallet()) {
      const go = h("button", { type: "button", testid: "sign-wallet", text: L("用钱包签名", "Sign with my wallet") });
      go.addEventListener("click", () => signWithWallet(prepared).then(resolve, reject));
      out.append(go);
      go.focus();
      return;
    }
    const file = h("input", { type: "file", accept: ".json,application/json", testid: "keystore-file" });
    const password = h("input", { type: "password", autocomplete: "off", testid: "keystore-password" });
    const form = h(
      "form", { class: "panel", testid: "keystore-form" },
      h("p", { class: "muted", text: L("密钥文件只在本页面内解锁，不会上传。", "The keystore is unlocked in this page only; it is never uploaded.") }),
      field(L("密钥文件（keystore）", "Keystore file"), file),
      field(L("密钥密码", "Keystore password"), password),
      h("button", { type: "submit", testid: "sign-keystore", text: L("解锁并签名", "Unlock and sign") }),
    );
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (!file.files[0]) return;
      const button = form.querySelector("button");
      button.disabled = true;
      button.textContent = L("正在解锁…", "Unlocking…");
      try {
        resolve(await signWithKeystore(prepared, await file.files[0].text(), password.value));
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

/** Sends a confirmed write: directly (hosted key), or prepared, signed here and sent (self custody). */
async function send(ctx, path, body, box) {
  if (ctx.me.custody !== "self") return write(path, body);
  const prepared = await api("POST", path + "/prepare", { body });
  let signature;
  try {
    signature = await signingStep(box, prepared);
  } catch (error) {
    const words = {
      "keystore-account": L("该密钥文件不属于", "This keystore is not the key of ") + ctx.me.id,
      "wallet-account": L("钱包中没有该参与者的账户", "The wallet has no account for ") + ctx.me.id,
    }[error.message] || L("无法解锁密钥文件（密码错误？）", "Could not unlock the keystore (wrong password?)");
    throw new Error(words);
  }
  box.replaceChildren(h("p", { class: "muted", text: L("已签名，正在发送…", "Signed; sending…") }));
  return api("POST", prepared.submit.path, {
    body,
    headers: { ...prepared.submit.headers, "Billchain-Signature": signature, "Idempotency-Key": crypto.randomUUID() },
  });
}

/**
 * A button that opens the action's form. spec: {key, label, danger, fields, path, body(values) (may be async),
 * consequence(values) -> string (may be async, e.g. a quote)}.
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
      (spec.fields || []).map((f) => field(f.label, control(f))),
      h("button", { type: "submit", testid: `review-${spec.key}`, text: L("下一步：核对", "Next: review") }));
    const out = h("div", { "aria-live": "polite" });
    panel.replaceChildren(form, out);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const vals = values(form, spec);
      out.replaceChildren(h("p", { class: "muted", text: L("正在核对…", "Checking…") }));
      let words;
      try {
        words = await spec.consequence(vals);
      } catch (error) {
        out.replaceChildren(problemBox(error));
        return;
      }
      const confirm = h("button", {
        type: "button", class: spec.danger ? "danger" : "", testid: `confirm-${spec.key}`,
        text: ctx.me.custody === "self" ? L("确认并签名", "Confirm and sign") : L("确认并发送", "Confirm and send"),
      });
      const box = h("div");
      out.replaceChildren(h("div", { class: "consequence", testid: "consequence", text: words }), confirm, box);
      confirm.focus();
      confirm.addEventListener("click", async () => {
        confirm.disabled = true;
        try {
          const body = await spec.body(vals);
          const result = await send(ctx, spec.path, body, box);
          const tx = result && result.tx;
          const note = L("已完成", "Done") + (tx ? ` · tx ${tx.hash.slice(0, 10)}… · ${L("区块", "block")} ${tx.block_number}` : "");
          toast(note);
          await ctx.refresh(result);
        } catch (error) {
          confirm.disabled = false;
          box.replaceChildren(problemBox(error));
        }
      });
    });
    const first = form.querySelector("input, select");
    if (first) first.focus();
  }

  return h("div", { class: "action" }, open, panel);
}

export { problemBox };
