// Codes the API answers, in words: states, kinds, roles, events and token kinds by name(), a problem
// (RFC 9457, the codes of API.md) by problemText(); both from the page's language's catalogue
// (messages/*.json). A participant's status PENDING (a regulator awaiting approval) shares the transfers' word.
import { catalogue, t } from "./messages.js";

/**
 * A code's name in the page's language; a code the catalogue does not name, as it is.
 * @param {string | null | undefined} code
 */
export function name(code) {
  if (code === null || code === undefined) return "";
  const names = catalogue().names;
  return Object.hasOwn(names, code) ? names[code] : code;
}

/**
 * A problem answer in words: the reason in the page's language, then the stable code and the detail.
 * @param {{code: string, title?: string, detail?: string}} problem
 */
export function problemText(problem) {
  const problems = catalogue().problems;
  const reason = (Object.hasOwn(problems, problem.code) && problems[problem.code]) || problem.title || t("problem.failed");
  return `${reason} (${problem.code})${problem.detail ? ": " + problem.detail : ""}`;
}
