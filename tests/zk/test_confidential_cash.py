"""Confidential cash on chain (docs/PRIVACY.md, slice 1a's cash): notes move by proof, each once, without
creating value, readable by their owner and by the pinned viewing key, and by no one else.

Every attack carries a real proof (or a real proof with one public part changed) to the contract on the
embedded chain, as a competitor's node or a malicious submitter would send it.
"""

from __future__ import annotations

import json
import secrets
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from eth_typing import HexStr
from web3 import Web3
from web3.exceptions import ContractCustomError

from chain.artifacts import load_artifact
from chain.errors import (
    CashMintLimitExceeded,
    CashRoleForbidden,
    DuplicateNote,
    DuplicateNullifier,
    InvalidProof,
    NoteKeyInvalid,
    NoteKeyTaken,
    NullifierSpent,
    PublicInputOutOfField,
    UnknownRoot,
)
from chain.zk.circuits import Keys
from chain.zk.ledger import KEYED_CIRCUITS, ConfidentialLedger
from chain.zk.prover import NoteKey, Proof, Proven, Prover
from chain.zk.toolchain import ToolError
from tests.conftest import World, reverts
from tests.zk.conftest import confidential_ledger

#: one worker runs the module: its story (deployment and proofs) is made once; proofs take seconds, so
#: make test runs it, not test-fast
pytestmark = [pytest.mark.slow, pytest.mark.anvil, pytest.mark.xdist_group("zk-cash")]

MINTED = 1_234_567_89
PAID = 1_000_000_00
#: BN254's scalar field: every signal is an element of it
FIELD = 21888242871839275222246405745257275088548364400416034343698204186575808495617
#: the order of BabyJubJub's prime subgroup (circomlib's babyjub.circom)
SUBGROUP_ORDER = 2736030358979909402780800718157159386076813972158567259200215660948447373041
LIMIT = 10**12


@dataclass
class Story:
    world: World
    cash: ConfidentialLedger
    regulator: NoteKey
    alice: NoteKey
    bob: NoteKey
    mint: Proven
    pay: Proven  # alice pays bob PAID out of the minted note
    leaves_after_mint: list[int]


@pytest.fixture(scope="module")
def story(zk_world: World, prover: Prover) -> Iterator[Story]:
    world = zk_world
    regulator, alice, bob = prover.keypair(), prover.keypair(), prover.keypair()
    cash = confidential_ledger(world, prover, regulator.pk, LIMIT)
    minted = prover.mint(MINTED, alice.pk, cash.viewing_key)
    cash.mint(world["bank"], minted)
    leaves = cash.leaves()
    note = minted.notes[0].at(0)
    pay = prover.transfer(alice, [note], leaves, PAID, bob.pk, cash.viewing_key)
    yield Story(world, cash, regulator, alice, bob, minted, pay, leaves)


@pytest.fixture
def fresh(story: Story) -> Iterator[Story]:
    """The story after its mint; each test's own moves are undone after it."""
    snapshot = story.world.backend.snapshot()
    yield story
    story.world.backend.revert(snapshot)


def test_a_note_moves_and_only_its_receiver_and_the_regulator_read_it(fresh: Story, prover: Prover) -> None:
    s = fresh
    s.cash.transfer(s.world["t2"], s.pay)
    event = s.cash.contract.events.ConfidentialTransfer().get_logs(from_block=0)[-1]["args"]["transfer"]
    ecdh, nonce = tuple(event["ecdhPk"]), event["nonce"]
    value, salt, sender_x = prover.decrypt(s.bob.sk, ecdh, list(event["cipherReceiver"]), nonce, 3)
    assert (value, sender_x) == (PAID, s.alice.pk[0])
    bob_note = s.pay.notes[0]
    assert salt == bob_note.salt and event["commitments"][0] == bob_note.commitment
    seen = prover.decrypt(s.regulator.sk, ecdh, list(event["cipherRegulator"]), nonce, 9)
    assert seen[2:7] == [PAID, *s.alice.pk, *s.bob.pk]
    assert seen[7:9] == [bob_note.salt, s.pay.notes[1].salt]
    assert seen[0] == s.mint.notes[0].commitment
    for outsider in (s.alice, prover.keypair()):  # the payer knows its own notes, but not bob's cipher
        with pytest.raises(ToolError, match="authentication tag"):
            prover.decrypt(outsider.sk, ecdh, list(event["cipherReceiver"]), nonce, 3)
    # bob spends what he received, and alice her change: both are real notes in the tree
    leaves = s.cash.leaves()
    onward = prover.transfer(s.bob, [bob_note.at(2)], leaves, 400_000_00, s.alice.pk, s.cash.viewing_key)
    s.cash.transfer(s.world["t1"], onward)
    assert s.cash.is_spent(onward.signals[17])


def test_the_regulator_reads_every_mint_from_the_chain_alone(fresh: Story, prover: Prover) -> None:
    log = fresh.cash.contract.events.ConfidentialMint().get_logs(from_block=0)[-1]["args"]
    note = log["note"]
    owner_x, owner_y, salt = prover.decrypt(
        fresh.regulator.sk, tuple(note["ecdhPk"]), list(note["cipherRegulator"]), note["nonce"], 3
    )
    assert (owner_x, owner_y) == fresh.alice.pk and salt == fresh.mint.notes[0].salt
    assert note["value"] == MINTED and log["bank"] == fresh.world.addr("bank")


def test_a_client_checks_its_keys_against_those_the_contract_pinned(
    fresh: Story, dev_keys: Keys, tmp_path: Path
) -> None:
    assert fresh.cash.keys_unlike(dev_keys) == []
    other = Keys(tmp_path)
    shutil.copytree(dev_keys.root / "keys", other.root / "keys")
    vkey = json.loads(other.vkey("discount").read_text())
    vkey["vk_delta_2"] = vkey["vk_gamma_2"]  # a key made by another setup
    other.vkey("discount").write_text(json.dumps(vkey))
    assert fresh.cash.keys_unlike(other) == ["discount"]


def test_a_note_is_spent_once(fresh: Story, prover: Prover) -> None:
    s = fresh
    s.cash.transfer(s.world["t2"], s.pay)
    with reverts(NullifierSpent, nullifier=s.pay.signals[17]):
        s.cash.transfer(s.world["t2"], s.pay)  # replayed
    again = prover.transfer(s.alice, [s.mint.notes[0].at(0)], s.leaves_after_mint, 1, s.alice.pk, s.cash.viewing_key)
    with reverts(NullifierSpent, nullifier=s.pay.signals[17]):
        s.cash.transfer(s.world["t2"], again)  # a new proof, the same note: the same nullifier


def test_a_note_has_one_nullifier_whatever_the_key_s_encoding(fresh: Story, prover: Prover) -> None:
    """sk and sk + the subgroup's order name the same public key: were both accepted, one note would have two
    nullifiers, and be spent twice. The circuit takes sk below the order only."""
    s = fresh
    s.cash.transfer(s.world["t2"], s.pay)
    alias = NoteKey(s.alice.sk + SUBGROUP_ORDER, s.alice.pk)
    with pytest.raises(ToolError, match="Assert Failed"):
        prover.transfer(alias, [s.mint.notes[0].at(0)], s.leaves_after_mint, PAID, s.bob.pk, s.cash.viewing_key)


def test_no_note_enters_the_tree_twice(fresh: Story, prover: Prover) -> None:
    """Two leaves of one note would share its nullifier: one could never be spent. So a mint's proof replayed
    by another bank, and a payment that copies a note already in the tree, are refused."""
    s = fresh
    s.cash.set_mint_limit(s.world["reg"], s.world.addr("bank2"), LIMIT)
    with reverts(DuplicateNote, commitment=s.mint.notes[0].commitment):
        s.cash.mint(s.world["bank2"], s.mint)
    assert tuple(s.cash.contract.functions.mintLimitOf(s.world.addr("bank2")).call()) == (LIMIT, 0)
    minted = s.mint.notes[0]
    copy = prover.transfer(
        s.alice, [minted.at(0)], s.leaves_after_mint, MINTED, s.alice.pk, s.cash.viewing_key, salt=minted.salt
    )
    assert copy.notes[0].commitment == minted.commitment
    with reverts(DuplicateNote, commitment=minted.commitment):
        s.cash.transfer(s.world["t2"], copy)


def test_a_public_input_has_one_encoding(fresh: Story) -> None:
    """A nullifier plus the field's order is the same field element to the proof, but another key to the spent
    set: the verifier takes every public input below the order only."""
    s = fresh
    aliased = s.pay.signals[17] + FIELD
    with reverts(PublicInputOutOfField, index=17):
        s.cash.transfer(s.world["t2"], s.pay, nullifiers=[aliased, 0])


def test_a_proof_that_names_one_note_twice_is_refused(fresh: Story, prover: Prover) -> None:
    s = fresh
    note = s.mint.notes[0].at(0)
    doubled = prover.transfer(s.alice, [note, note], s.leaves_after_mint, 2 * MINTED, s.bob.pk, s.cash.viewing_key)
    with reverts(DuplicateNullifier, nullifier=doubled.signals[17]):
        s.cash.transfer(s.world["t2"], doubled)


def test_no_transfer_creates_value(fresh: Story, prover: Prover) -> None:
    s = fresh
    note = s.mint.notes[0].at(0)
    with pytest.raises(ToolError, match="Assert Failed"):  # no witness, so no proof, conserves nothing less
        prover.transfer(s.alice, [note], s.leaves_after_mint, PAID, s.bob.pk, s.cash.viewing_key, change=MINTED)
    # a real proof whose change note is swapped for a bigger one
    bigger = prover.commit(MINTED, s.alice.pk, secrets.randbits(250))
    with reverts(InvalidProof):
        s.cash.transfer(s.world["t2"], s.pay, commitments=[s.pay.signals[19], bigger])
    assert not s.cash.is_spent(s.pay.signals[17])


def test_nobody_spends_or_redirects_another_members_note(fresh: Story, prover: Prover) -> None:
    s = fresh
    mallory = prover.keypair()
    with pytest.raises(ToolError, match="Assert Failed"):  # alice's note, mallory's key: not in the tree
        prover.transfer(mallory, [s.mint.notes[0].at(0)], s.leaves_after_mint, PAID, mallory.pk, s.cash.viewing_key)
    # a submitter (or a node that saw it pending) puts its own note where bob's was
    theirs = prover.commit(PAID, mallory.pk, secrets.randbits(250))
    with reverts(InvalidProof):
        s.cash.transfer(s.world["t2"], s.pay, commitments=[theirs, s.pay.signals[20]])
    with reverts(InvalidProof):
        s.cash.transfer(s.world["t2"], s.pay, nullifiers=[secrets.randbits(250), 0])


def test_a_ciphertext_the_regulator_cannot_read_is_refused(fresh: Story, prover: Prover) -> None:
    s = fresh
    other = prover.keypair()
    hidden = prover.transfer(s.alice, [s.mint.notes[0].at(0)], s.leaves_after_mint, PAID, s.bob.pk, other.pk)
    with reverts(InvalidProof):  # proven for another viewing key: the contract pins its own
        s.cash.transfer(s.world["t2"], hidden)
    altered = list(s.pay.signals[6:16])
    altered[3] = (altered[3] + 1) % (2**253)
    with reverts(InvalidProof):
        s.cash.transfer(s.world["t2"], s.pay, cipherRegulator=altered)
    with reverts(InvalidProof):
        s.cash.transfer(s.world["t2"], s.pay, nonce=s.pay.signals[21] + 1)


def test_a_forged_proof_and_an_unknown_root_are_refused(fresh: Story) -> None:
    s = fresh
    with reverts(InvalidProof):  # a valid proof, of another circuit
        s.cash.transfer(s.world["t2"], s.pay, proof=s.mint.proof)
    junk = Proof((1, 2), ((3, 4), (5, 6)), (7, 8))
    with reverts(InvalidProof):
        s.cash.transfer(s.world["t2"], s.pay, proof=junk)
    with reverts(UnknownRoot, root=12345):
        s.cash.transfer(s.world["t2"], s.pay, root=12345)


#: BN254's base field: a G1 point's coordinates are elements of it
BASE_FIELD = 21888242871839275222246405745257275088696311157297823662689037894645226208583


def test_the_verifier_takes_a_proof_in_its_one_encoding_and_refuses_every_other(fresh: Story) -> None:
    """The verifier (assembly since the gas work) read straight, as a bank's security team would: the genuine
    proof holds; A's y plus the base field's order (a second encoding of the same point), A negated, A off the
    curve, A at infinity, B's coordinates in the other order, and another circuit's key do not."""
    s = fresh
    w3 = s.cash.tx.backend.w3
    address, keys = s.cash.contract.functions.verifyingKeys().call()
    verifier = w3.eth.contract(address=address, abi=load_artifact("Groth16Verifier").abi)
    transfer_key = keys[KEYED_CIRCUITS.index("cash_transfer")]
    (ax, ay), b, c = s.pay.proof.a, s.pay.proof.b, s.pay.proof.c

    def holds(a: tuple[int, int], b: Any = b, key: str = transfer_key) -> bool:
        return bool(verifier.functions.verify(key, (list(a), [list(b[0]), list(b[1])], list(c)), s.pay.signals).call())

    assert holds((ax, ay))
    for a in ((ax, ay + BASE_FIELD), (ax, BASE_FIELD - ay), (ax, (ay + 1) % BASE_FIELD), (0, 0)):
        assert not holds(a)
    assert not holds((ax, ay), b=((b[0][1], b[0][0]), (b[1][1], b[1][0])))
    mint_key = keys[KEYED_CIRCUITS.index("cash_mint")]  # 15 signals' key for the transfer's 24
    with pytest.raises(ContractCustomError) as refused:
        holds((ax, ay), key=mint_key)
    assert str(refused.value.data).startswith(Web3.to_hex(Web3.keccak(text="VerifyingKeyShape(address,uint256)")[:4]))


def test_only_an_active_bank_mints_within_its_limit(fresh: Story, prover: Prover) -> None:
    s = fresh
    proven = prover.mint(5, s.bob.pk, s.cash.viewing_key)
    with reverts(CashRoleForbidden, account=s.world.addr("t1")):
        s.cash.mint(s.world["t1"], proven)
    with reverts(CashRoleForbidden, account=s.world.addr("bank")):
        s.cash.set_mint_limit(s.world["bank"], s.world.addr("bank"), 10**15)
    with reverts(InvalidProof):  # the proof's note holds 5, not 5,000
        s.cash.mint(s.world["bank"], proven, value=5_000)
    s.cash.set_mint_limit(s.world["reg"], s.world.addr("bank"), MINTED + 4)
    with reverts(CashMintLimitExceeded, minted=MINTED, amount=5):
        s.cash.mint(s.world["bank"], proven)


def _sqrt(n: int) -> int:
    """A square root modulo FIELD (Tonelli-Shanks: FIELD - 1 = q 2^s, q odd)."""
    q, e = FIELD - 1, 0
    while q % 2 == 0:
        q, e = q // 2, e + 1
    z = next(z for z in range(2, 100) if pow(z, (FIELD - 1) // 2, FIELD) == FIELD - 1)
    m, c, t, r = e, pow(z, q, FIELD), pow(n, q, FIELD), pow(n, (q + 1) // 2, FIELD)
    while t != 1:
        i, t2 = 0, t
        while t2 != 1:
            t2, i = t2 * t2 % FIELD, i + 1
        b = pow(c, 1 << (m - i - 1), FIELD)
        m, c, t, r = i, b * b % FIELD, t * b * b % FIELD, r * b % FIELD
    assert r * r % FIELD == n % FIELD
    return r


def _small_order_points() -> list[tuple[int, int]]:
    """BabyJubJub's points of order 1, 2, 4 and 8 (a x^2 + y^2 = 1 + d x^2 y^2): anyone could open a note
    encrypted to one. Order 4: y = 0; order 8: x^2 = y^2 solved for y^2 (a + 1) = 1 + d y^4, picked so the
    point doubles to an order-4 one."""
    a, d = 168700, 168696
    inv = lambda v: pow(v, FIELD - 2, FIELD)  # noqa: E731
    four = [(x, 0) for x in (_sqrt(inv(a)), FIELD - _sqrt(inv(a)))]
    # order 8: 2P has y = 0, i.e. y^2 = a x^2 for P = (x, y); with the curve: a x^2 (a + 1)... solved for u = x^2:
    # a u + a u = 1 + d a u^2  ->  d a u^2 - 2 a u + 1 = 0
    disc = (4 * a * a - 4 * d * a) % FIELD
    eight = []
    for root in (_sqrt(disc), FIELD - _sqrt(disc)):
        u = (2 * a + root) * inv(2 * d * a) % FIELD
        if pow(u, (FIELD - 1) // 2, FIELD) == 1:  # x^2 = u has a root
            x = _sqrt(u)
            y = _sqrt(a * u % FIELD) if pow(a * u % FIELD, (FIELD - 1) // 2, FIELD) == 1 else None
            if y is not None:
                eight.append((x, y))
    points = [(0, 1), (0, FIELD - 1), *four, *eight]
    for x, y in points:  # each on the curve
        assert (a * x * x + y * y) % FIELD == (1 + d * x * x % FIELD * y * y) % FIELD
    assert eight, "an order-8 point"
    return points


def test_a_member_registers_its_own_note_key_and_only_a_usable_one(fresh: Story, prover: Prover) -> None:
    """The directory a payer reads a receiver's key from: each member writes its own entry, and only a key no
    one else can open notes to (contracts/confidential/NoteKeyDirectory.sol)."""
    s, t1 = fresh, fresh.world.addr("t1")
    assert s.cash.note_key_of(t1) is None
    s.cash.register_note_key(s.world["t1"], s.alice.pk)
    assert s.cash.note_key_of(t1) == s.alice.pk
    s.cash.register_note_key(s.world["t1"], s.bob.pk)  # a new key: new notes go to it
    assert (s.cash.note_key_of(t1), s.cash.note_key_of(s.world.addr("t2"))) == (s.bob.pk, None)
    with reverts(NoteKeyTaken, member=t1):  # a key is one member's for good: no one else registers it
        s.cash.register_note_key(s.world["t2"], s.alice.pk)
    s.cash.register_note_key(s.world["t1"], s.alice.pk)  # its own again
    assert s.cash.note_keys_of(t1) == [s.alice.pk, s.bob.pk]
    x, y = s.alice.pk
    for bad in [(x, y + 1), (x + FIELD, y), *_small_order_points()]:
        with reverts(NoteKeyInvalid):
            s.cash.register_note_key(s.world["t2"], bad)
    outsider = s.world.backend.w3.eth.account.create()
    s.world.backend.fund(outsider.address)
    with reverts(CashRoleForbidden, account=outsider.address):  # no member: no entry
        s.cash.register_note_key(outsider, s.alice.pk)
    assert s.cash.note_key_of(s.world.addr("t2")) is None


def test_the_raw_chain_shows_no_amount_and_no_party_of_a_transfer(fresh: Story) -> None:
    """What a node sees of a transfer: not the amount, the change, the payer or the payee."""
    s = fresh
    result = s.cash.transfer(s.world["t2"], s.pay)
    w3 = s.world.backend.w3
    seen = bytes(w3.eth.get_transaction(HexStr(result.hash))["input"]) + b"".join(
        bytes(log["data"]) + b"".join(bytes(t) for t in log["topics"]) for log in result.receipt["logs"]
    )
    secrets_ = [PAID, MINTED - PAID, *s.alice.pk, *s.bob.pk]
    assert not [v for v in secrets_ if v.to_bytes(32, "big") in seen]
    assert s.world.addr("t1").lower()[2:] not in seen.hex()
