//! A circom witness (snarkjs's `.wtns`: field elements in standard form, little-endian), as it arrives
//! from the witness calculator. Invariant: every value is below the field's order (a value at or above
//! it would be a second encoding) and the witness's length is the key's.

use crate::zkey::{sections, u32_le};
use ark_bn254::Fr;
use ark_ff::{BigInteger256, PrimeField};
use ark_serialize::{CanonicalDeserialize, SerializationError};
use std::io::{Read, Seek, SeekFrom};

pub fn read_witness<R: Read + Seek>(reader: &mut R) -> Result<Vec<Fr>, SerializationError> {
    let sections = sections(reader, b"wtns")?;
    let at = |id: u32| sections.get(&id).copied().ok_or(SerializationError::InvalidData);
    reader.seek(SeekFrom::Start(at(1)?))?;
    let n8 = u32_le(reader)?;
    let prime = BigInteger256::deserialize_uncompressed(&mut *reader)?;
    if n8 != 32 || prime != Fr::MODULUS {
        return Err(SerializationError::InvalidData);
    }
    let count = u32_le(reader)? as usize;
    reader.seek(SeekFrom::Start(at(2)?))?;
    (0..count)
        .map(|_| {
            let value = BigInteger256::deserialize_uncompressed(&mut *reader)?;
            Fr::from_bigint(value).ok_or(SerializationError::InvalidData)
        })
        .collect()
}
