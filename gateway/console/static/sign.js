// Signing for self-custody participants (docs/SIGNING.md): the gateway prepares the operation's EIP-712
// typed data; the page signs it with an injected EIP-1193 wallet or a keystore file unlocked here. The key
// and the password never leave the page: only the signature is sent.
import { Wallet, getAddress } from "/console/vendor/ethers.min.js";

/** @returns {boolean} whether the browser has an injected wallet (EIP-1193) */
export function hasWallet() {
  return typeof window.ethereum !== "undefined" && typeof window.ethereum.request === "function";
}

/**
 * The typed data's types without EIP712Domain, which ethers derives from the domain itself.
 * @param {Api.Prepared["typed_data"]["types"]} types
 */
function withoutDomainType(types) {
  const copy = { ...types };
  delete copy.EIP712Domain;
  return copy;
}

/**
 * @param {Api.Prepared} prepared
 * @returns {Promise<string>} the signature
 */
export async function signWithWallet(prepared) {
  const wallet = window.ethereum;
  if (!wallet) throw new Error("wallet-account");
  /** @type {string[]} */
  const accounts = await wallet.request({ method: "eth_requestAccounts" });
  const signer = accounts.find((a) => getAddress(a) === getAddress(prepared.signer));
  if (!signer) throw new Error("wallet-account");
  return wallet.request({ method: "eth_signTypedData_v4", params: [signer, JSON.stringify(prepared.typed_data)] });
}

/**
 * @param {Api.Prepared} prepared
 * @param {string} keystoreText the keystore file's JSON
 * @param {string} password
 * @returns {Promise<string>} the signature
 */
export async function signWithKeystore(prepared, keystoreText, password) {
  const wallet = await Wallet.fromEncryptedJson(keystoreText, password);
  if (getAddress(wallet.address) !== getAddress(prepared.signer)) throw new Error("keystore-account");
  const { domain, message } = prepared.typed_data;
  return wallet.signTypedData(domain, withoutDomainType(prepared.typed_data.types), message);
}
