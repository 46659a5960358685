"""A client of the billchain gateway for integrators: hosted participants call, self-custody ones
prepare, sign locally (a key file, or any signer callback: an HSM, a KMS) and submit."""

from billchain_client import models
from billchain_client.client import BillchainClient, Refused, Signer, key_file_signer, local_signer, submit_headers

__all__ = ["BillchainClient", "Refused", "Signer", "key_file_signer", "local_signer", "models", "submit_headers"]
