// The console's words: one catalogue per language (messages/zh.json and messages/en.json, the same keys,
// a unit test holds them equal), and the language the page shows, kept in the browser's local storage.
// "problems" are the problem codes' reasons, "names" the states, kinds, roles and events the API answers as
// codes, "text" every other string. A value in a text is named in braces: "{n} bills" filled by t(key, {n}).
import zh from "./messages/zh.json" with { type: "json" };
import en from "./messages/en.json" with { type: "json" };

/** @typedef {"zh" | "en"} Language */
/** @typedef {keyof typeof zh.text} TextKey */
/** @typedef {{problems: Record<string, string>, names: Record<string, string>, text: Record<TextKey, string>}} Catalogue */

/** @type {Record<Language, Catalogue>} */
const CATALOGUES = { zh, en };

/** @type {Language} */
let lang = localStorage.getItem("billchain.lang") === "en" ? "en" : "zh";

export const language = () => lang;

/** @param {Language} value */
export function setLanguage(value) {
  lang = value;
  localStorage.setItem("billchain.lang", value);
  document.documentElement.lang = value === "zh" ? "zh-CN" : "en";
}

/**
 * A text in the page's language, its {placeholders} filled from `values`.
 * @param {TextKey} key
 * @param {Record<string, string | number | bigint>} [values]
 */
export function t(key, values = {}) {
  return CATALOGUES[lang].text[key].replace(/\{(\w+)\}/g, (whole, slot) => (Object.hasOwn(values, slot) ? String(values[slot]) : whole));
}

/** The page's language's catalogue: words.js reads its names and problems. */
export const catalogue = () => CATALOGUES[lang];
