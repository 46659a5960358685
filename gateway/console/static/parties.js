// Parties by name: the API answers participant ids, a page shows the directory's name with the id beside it
// ("长江汽车集团 (core-auto)"). The directory (GET /v1/participants, every page) is read once per render; an id
// it does not name (the operator, one onboarded since) is shown as it is, as the chain knows it. Typed data to
// sign names accounts by address: addressBook() names those the same way.
import { all } from "./api.js";

/** @returns {Promise<Api.Participant[]>} the directory, or nothing when it cannot be read */
async function participants() {
  try {
    return await all("/v1/participants");
  } catch {
    return [];  // names only help a reader: without the directory the page shows the ids the API answered
  }
}

/**
 * @param {Map<string, string>} names id -> name
 * @param {string} id
 */
function named(names, id) {
  const known = names.get(id);
  return known && known !== id ? `${known} (${id})` : id;
}

/**
 * A function naming a participant id: "name (id)", or the id alone when the directory has no other name.
 * @returns {Promise<(id: string | null | undefined) => string>}
 */
export async function directory() {
  const names = new Map((await participants()).map((p) => [p.id, p.name]));
  return (id) => (id === null || id === undefined || id === "" ? "" : named(names, id));
}

/**
 * A function naming an account by its address: "name (id)", or null for an address no participant acts from.
 * @returns {Promise<(address: string) => string | null>}
 */
export async function addressBook() {
  const found = await participants();
  const names = new Map(found.map((p) => [p.id, p.name]));
  const ids = new Map(found.map((p) => [p.address.toLowerCase(), p.id]));
  return (address) => {
    const id = ids.get(String(address).toLowerCase());
    return id === undefined ? null : named(names, id);
  };
}
