//! A snarkjs Groth16 zkey read into arkworks's proving key and constraint matrices (adapted from
//! ark-circom 0.5.0, `src/zkey.rs`, MIT OR Apache-2.0).
//!
//! Invariants: the file is the ceremony's own: the ceremony verified it against its r1cs and phase 1
//! (`snarkjs zkey verify`) and its transcript keeps its SHA-256, which main.rs checks before this reads
//! it; so its points are taken as they are, without the curve and subgroup checks that would cost seconds
//! on the G2 query; field elements in a zkey are in Montgomery
//! form, and the matrices' coefficients in Montgomery form twice (times R squared).

use ark_bn254::{Bn254, Fq, Fq2, Fr, G1Affine, G2Affine};
use ark_ff::{BigInteger256, PrimeField, Zero};
use ark_groth16::{ProvingKey, VerifyingKey};
use ark_relations::r1cs::ConstraintMatrices;
use ark_serialize::{CanonicalDeserialize, SerializationError};
use std::collections::HashMap;
use std::io::{Read, Seek, SeekFrom};

type Result<T> = std::result::Result<T, SerializationError>;

/// A zkey ready to prove with: the key, the A and B matrices (C is implied by the witness map), sizes.
pub struct Zkey {
    pub key: ProvingKey<Bn254>,
    pub matrices: ConstraintMatrices<Fr>,
    pub n_public: usize,
}

struct Header {
    n_vars: usize,
    n_public: usize,
    domain_size: usize,
    alpha_g1: G1Affine,
    beta_g1: G1Affine,
    beta_g2: G2Affine,
    gamma_g2: G2Affine,
    delta_g1: G1Affine,
    delta_g2: G2Affine,
}

pub fn read_zkey<R: Read + Seek>(reader: &mut R) -> Result<Zkey> {
    let sections = sections(reader, b"zkey")?;
    let at = |id: u32| sections.get(&id).copied().ok_or(SerializationError::InvalidData);
    reader.seek(SeekFrom::Start(at(1)?))?;
    if u32_le(reader)? != 1 {
        return Err(SerializationError::InvalidData); // not a Groth16 key
    }
    reader.seek(SeekFrom::Start(at(2)?))?;
    let h = header(reader)?;
    let g1s = |reader: &mut R, id: u32, n: usize| -> Result<Vec<G1Affine>> {
        reader.seek(SeekFrom::Start(at(id)?))?;
        (0..n).map(|_| g1(reader)).collect()
    };
    let ic = g1s(reader, 3, h.n_public + 1)?;
    let a_query = g1s(reader, 5, h.n_vars)?;
    let b_g1_query = g1s(reader, 6, h.n_vars)?;
    reader.seek(SeekFrom::Start(at(7)?))?;
    let b_g2_query = (0..h.n_vars).map(|_| g2(reader)).collect::<Result<Vec<_>>>()?;
    let l_query = g1s(reader, 8, h.n_vars - h.n_public - 1)?;
    let h_query = g1s(reader, 9, h.domain_size)?;
    reader.seek(SeekFrom::Start(at(4)?))?;
    let matrices = matrices(reader, &h)?;
    let vk = VerifyingKey::<Bn254> {
        alpha_g1: h.alpha_g1,
        beta_g2: h.beta_g2,
        gamma_g2: h.gamma_g2,
        delta_g2: h.delta_g2,
        gamma_abc_g1: ic,
    };
    let key = ProvingKey::<Bn254> {
        vk,
        beta_g1: h.beta_g1,
        delta_g1: h.delta_g1,
        a_query,
        b_g1_query,
        b_g2_query,
        h_query,
        l_query,
    };
    Ok(Zkey {
        key,
        matrices,
        n_public: h.n_public,
    })
}

/// The file's sections: id -> the offset of its body (a section id met twice is refused).
pub fn sections<R: Read + Seek>(reader: &mut R, magic: &[u8; 4]) -> Result<HashMap<u32, u64>> {
    let mut found = [0u8; 4];
    reader.read_exact(&mut found)?;
    if &found != magic {
        return Err(SerializationError::InvalidData);
    }
    let _version = u32_le(reader)?;
    let count = u32_le(reader)?;
    let mut out = HashMap::new();
    for _ in 0..count {
        let id = u32_le(reader)?;
        let length = u64::deserialize_uncompressed(&mut *reader)?;
        if out.insert(id, reader.stream_position()?).is_some() {
            return Err(SerializationError::InvalidData);
        }
        reader.seek(SeekFrom::Current(length as i64))?;
    }
    Ok(out)
}

pub fn u32_le<R: Read>(reader: &mut R) -> Result<u32> {
    u32::deserialize_uncompressed(reader)
}

fn header<R: Read>(reader: &mut R) -> Result<Header> {
    let n8q = u32_le(reader)?;
    let q = BigInteger256::deserialize_uncompressed(&mut *reader)?;
    let n8r = u32_le(reader)?;
    let r = BigInteger256::deserialize_uncompressed(&mut *reader)?;
    if n8q != 32 || n8r != 32 || q != Fq::MODULUS || r != Fr::MODULUS {
        return Err(SerializationError::InvalidData); // not BN254
    }
    let n_vars = u32_le(reader)? as usize;
    let n_public = u32_le(reader)? as usize;
    let domain_size = u32_le(reader)? as usize;
    if n_public >= n_vars || !domain_size.is_power_of_two() || domain_size > 1 << 20 {
        return Err(SerializationError::InvalidData); // sizes no ceremony of ours makes
    }
    Ok(Header {
        n_vars,
        n_public,
        domain_size,
        alpha_g1: g1(reader)?,
        beta_g1: g1(reader)?,
        beta_g2: g2(reader)?,
        gamma_g2: g2(reader)?,
        delta_g1: g1(reader)?,
        delta_g2: g2(reader)?,
    })
}

fn matrices<R: Read>(reader: &mut R, h: &Header) -> Result<ConstraintMatrices<Fr>> {
    let count = u32_le(reader)?;
    let mut ab = vec![vec![Vec::new(); h.domain_size]; 2];
    let mut last = 0usize;
    for _ in 0..count {
        let matrix = u32_le(reader)? as usize;
        let constraint = u32_le(reader)? as usize;
        let signal = u32_le(reader)? as usize;
        let twice_montgomery = BigInteger256::deserialize_uncompressed(&mut *reader)?;
        let value = Fr::new_unchecked(Fr::new_unchecked(twice_montgomery).into_bigint());
        if matrix > 1 || constraint >= h.domain_size || signal >= h.n_vars {
            return Err(SerializationError::InvalidData);
        }
        last = last.max(constraint);
        ab[matrix][constraint].push((value, signal));
    }
    // the last n_public + 1 rows are snarkjs's input constraints, which the witness map adds itself
    let num_constraints = last.checked_sub(h.n_public).ok_or(SerializationError::InvalidData)?;
    let [mut a, mut b]: [Vec<_>; 2] = ab.try_into().map_err(|_| SerializationError::InvalidData)?;
    a.truncate(num_constraints);
    b.truncate(num_constraints);
    Ok(ConstraintMatrices {
        num_instance_variables: h.n_public + 1,
        num_witness_variables: h.n_vars - h.n_public - 1,
        num_constraints,
        a_num_non_zero: a.iter().map(Vec::len).sum(),
        b_num_non_zero: b.iter().map(Vec::len).sum(),
        c_num_non_zero: 0,
        a,
        b,
        c: vec![],
    })
}

fn fq<R: Read>(reader: &mut R) -> Result<Fq> {
    Ok(Fq::new_unchecked(BigInteger256::deserialize_uncompressed(reader)?))
}

fn g1<R: Read>(reader: &mut R) -> Result<G1Affine> {
    let (x, y) = (fq(reader)?, fq(reader)?);
    Ok(if x.is_zero() && y.is_zero() {
        G1Affine::identity()
    } else {
        G1Affine::new_unchecked(x, y)
    })
}

fn g2<R: Read>(reader: &mut R) -> Result<G2Affine> {
    let x = Fq2::new(fq(reader)?, fq(reader)?);
    let y = Fq2::new(fq(reader)?, fq(reader)?);
    Ok(if x.is_zero() && y.is_zero() {
        G2Affine::identity()
    } else {
        G2Affine::new_unchecked(x, y)
    })
}
