//! billchain's native Groth16 prover (docs/PRIVACY.md §7): the proofs snarkjs makes, from the same zkey
//! and witness, in a fraction of its time.
//!
//! One request a line on stdin, `{"zkey": path, "zkey_sha256": hex, "witness": hex of a .wtns}`; one
//! answer a line on stdout, `{"proof": {pi_a, pi_b, pi_c}, "publicSignals": [...]}` in snarkjs's JSON or
//! `{"error": text}`; for as long as stdin stays open.
//! Invariants: the witness (it holds the prover's secrets) travels on stdin only and is never written
//! anywhere; a zkey is used only when its SHA-256 is the one the request names (the ceremony transcript's),
//! then kept; r and s are drawn from the operating system's generator for every proof, so no two proofs
//! share them; the answer carries no part of the witness beyond its public signals.

mod qap;
mod wtns;
mod zkey;

use ark_bn254::{Bn254, Fq, Fq2, Fr, G1Affine, G2Affine};
use ark_ff::{PrimeField, UniformRand};
use ark_groth16::{Groth16, Proof};
use rand::rngs::OsRng;
use serde::Deserialize;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::io::{BufRead, Cursor, Write};

#[derive(Deserialize)]
struct Request {
    zkey: String,
    /// the zkey's SHA-256 as the ceremony's transcript records it: a file that hashes otherwise is refused
    zkey_sha256: String,
    witness: String,
}

fn main() {
    let mut keys: HashMap<String, zkey::Zkey> = HashMap::new();
    let stdin = std::io::stdin();
    let mut out = std::io::stdout().lock();
    for line in stdin.lock().lines() {
        let answer = match line {
            Ok(line) if line.trim().is_empty() => continue,
            Ok(line) => match prove(&mut keys, &line) {
                Ok((proof, public)) => json!({ "proof": proof, "publicSignals": public }),
                Err(error) => json!({ "error": error }),
            },
            Err(error) => json!({ "error": format!("stdin: {error}") }),
        };
        if writeln!(out, "{answer}").and_then(|_| out.flush()).is_err() {
            return; // the caller left
        }
    }
}

/// The proof, and the public signals (the witness's values 1..=n_public) as decimal strings.
fn prove(keys: &mut HashMap<String, zkey::Zkey>, line: &str) -> Result<(Value, Vec<String>), String> {
    let request: Request = serde_json::from_str(line).map_err(|e| format!("request: {e}"))?;
    let held = format!("{}\0{}", request.zkey, request.zkey_sha256.to_lowercase());
    if !keys.contains_key(&held) {
        let bytes = std::fs::read(&request.zkey).map_err(|e| format!("{}: {e}", request.zkey))?;
        let found = hex::encode(Sha256::digest(&bytes));
        if found != request.zkey_sha256.to_lowercase() {
            return Err(format!(
                "{}: its SHA-256 is {found}, not the transcript's",
                request.zkey
            ));
        }
        let read = zkey::read_zkey(&mut Cursor::new(bytes))
            .map_err(|e| format!("{}: not a BN254 Groth16 zkey ({e})", request.zkey))?;
        keys.insert(held.clone(), read);
    }
    let key = &keys[&held];
    let bytes = hex::decode(&request.witness).map_err(|e| format!("witness: {e}"))?;
    let witness = wtns::read_witness(&mut Cursor::new(bytes)).map_err(|e| format!("witness: {e}"))?;
    let m = &key.matrices;
    if witness.len() != m.num_instance_variables + m.num_witness_variables {
        return Err(format!(
            "witness: {} values for a key of {}",
            witness.len(),
            m.num_instance_variables + m.num_witness_variables
        ));
    }
    let (r, s) = (Fr::rand(&mut OsRng), Fr::rand(&mut OsRng));
    let proof = Groth16::<Bn254, qap::CircomReduction>::create_proof_with_reduction_and_matrices(
        &key.key,
        r,
        s,
        m,
        m.num_instance_variables,
        m.num_constraints,
        &witness,
    )
    .map_err(|e| format!("prove: {e}"))?;
    let public = witness[1..=key.n_public]
        .iter()
        .map(|v| v.into_bigint().to_string())
        .collect();
    Ok((snarkjs_json(&proof), public))
}

fn fq(x: Fq) -> String {
    x.into_bigint().to_string()
}

fn g1(p: G1Affine) -> Value {
    json!([fq(p.x), fq(p.y), "1"])
}

fn fq2(x: Fq2) -> Value {
    json!([fq(x.c0), fq(x.c1)])
}

fn g2(p: G2Affine) -> Value {
    json!([fq2(p.x), fq2(p.y), ["1", "0"]])
}

fn snarkjs_json(proof: &Proof<Bn254>) -> Value {
    json!({ "pi_a": g1(proof.a), "pi_b": g2(proof.b), "pi_c": g1(proof.c), "protocol": "groth16", "curve": "bn128" })
}
