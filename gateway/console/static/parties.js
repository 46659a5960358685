// Parties by name: the API answers participant ids, a page shows the directory's name with the id beside it
// ("长江汽车集团 (core-auto)"). The directory (GET /v1/participants, every page) is read once per render; an id
// it does not name (the operator, one onboarded since) is shown as it is, as the chain knows it.
import { all } from "./api.js";

/**
 * A function naming a participant id: "name (id)", or the id alone when the directory has no other name.
 * @returns {Promise<(id: string | null | undefined) => string>}
 */
export async function directory() {
  /** @type {Map<string, string>} */
  let names = new Map();
  try {
    names = new Map((await all("/v1/participants")).map((p) => [p.id, p.name]));
  } catch {
    // names only help a reader: without the directory the page shows the ids the API answered
  }
  return (id) => {
    if (id === null || id === undefined || id === "") return "";
    const known = names.get(id);
    return known && known !== id ? `${known} (${id})` : id;
  };
}
