#!/bin/sh
# build-book.sh: build a book's EPUB and PDF in any CI (or by hand), with
# quire already installed (make install). Exits non-zero on any error, with
# quire's diagnostics (FILE:LINE:COL: error: ...) in the log.
#
#   sh build-book.sh [BOOK_DIR] [OUT_DIR]
#
# On a tag (TAG set, or the checkout exactly at one), the books are named
# after it: OUT_DIR/<slug>-<tag>.epub and .pdf. Otherwise the book is only
# checked (quire build --check), which writes nothing.
set -eu
book=${1:-.}
out=${2:-artifacts}
tag=${TAG:-$(git -C "$book" describe --tags --exact-match 2>/dev/null || true)}

command -v quire >/dev/null || { echo "build-book: quire is not installed" >&2; exit 69; }
quire --version

if [ -z "$tag" ]; then
    quire build --check "$book"
    exit 0
fi

# the same tag gives the same bytes
SOURCE_DATE_EPOCH=$(git -C "$book" log -1 --format=%ct 2>/dev/null || date +%s)
export SOURCE_DATE_EPOCH
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
quire build -q -o "$tmp" "$book"
mkdir -p "$out"
for f in "$tmp"/*.epub "$tmp"/*.pdf; do
    name=$(basename "$f")
    cp "$f" "$out/${name%.*}-$tag.${name##*.}"
done
ls -l "$out"
