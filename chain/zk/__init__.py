"""Zero-knowledge plumbing of the confidential platform (docs/PRIVACY.md).

circom2 compiles the circuits in `circuits/`, snarkjs runs the ceremony and proves, and the
contracts verify Groth16 proofs over the EIP-196/197 precompiles. Node runs the JavaScript side;
this package only drives it and keeps its files, hashes and transcripts.
"""
