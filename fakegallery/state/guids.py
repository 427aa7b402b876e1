"""GUID text from random bits, as `uuid` writes a version-4 GUID: the ids
state/clock.py's `Ids` draws, formatted without a `uuid.UUID` per id (a bulk
write draws thousands)."""

from __future__ import annotations

from collections.abc import Iterable


def guid_text(bits: int) -> str:
    """The text of a version-4 GUID made of 128 random bits: what
    ``str(uuid.UUID(int=bits, version=4))`` gives, without the object."""
    return guid_texts((bits,))[0]


def guid_texts(drawn: Iterable[int]) -> list[str]:
    """`guid_text` of each value (one loop: a bulk write draws thousands)."""
    keep, mark = _GUID_KEEP, _GUID_SET
    texts = [((bits & keep) | mark).to_bytes(16).hex() for bits in drawn]
    return [f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}" for h in texts]


# RFC 4122 §4.4: the variant bits 10 and the version nibble 4.
_GUID_KEEP = ~((0xC000 << 48) | (0xF000 << 64)) & ((1 << 128) - 1)
_GUID_SET = (0x8000 << 48) | (4 << 76)
