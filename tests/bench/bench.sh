#!/usr/bin/env bash
# make bench: builds each book of a corpus and prints one table: input size,
# EPUB and PDF times (median of RUNS runs after a warm-up), peak memory, PDF
# pages, and the same work by peers found on this machine, with ratios.
# Figures only: nothing here passes or fails on speed.
#
#   CORPUS=DIR   a folder of .txt/.md books (default ../shared/corpus, else tests/corpus)
#   RUNS=N       timed runs per measurement (default 5)
set -euo pipefail
cd "$(dirname "$0")/../.."

corpus=${CORPUS:-../shared/corpus}
[ -d "$corpus" ] || corpus=tests/corpus
runs=${RUNS:-5}
quire=${QUIRE:-./quire}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [ ! -x /usr/bin/time ]; then
    echo "bench: /usr/bin/time is missing (Debian package 'time'); run 'make deps'" >&2
    exit 1
fi

# median of the numbers on stdin
median() { sort -n | awk '{a[NR]=$1} END {if (NR==0) print "-"; else if (NR%2) print a[(NR+1)/2]; else printf "%.3f\n", (a[NR/2]+a[NR/2+1])/2}'; }

# measure LABEL CMD...: prints "median_seconds peak_kb" over $runs runs after a warm-up
measure() {
    "$@" >/dev/null 2>&1 || { echo "- -"; return; }
    local times=() mem=0
    for _ in $(seq "$runs"); do
        /usr/bin/time -f "%e %M" -o "$tmp/time" "$@" >/dev/null 2>&1 || { echo "- -"; return; }
        read -r t m < "$tmp/time"
        times+=("$t")
        [ "$m" -gt "$mem" ] && mem=$m
    done
    printf '%s %s\n' "$(printf '%s\n' "${times[@]}" | median)" "$mem"
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-" || a == 0) print "-"; else printf "%.1fx", b / a }'; }

peers=()
command -v pandoc >/dev/null && peers+=(pandoc)
missing=()
command -v pandoc >/dev/null || missing+=("pandoc (EPUB)")

echo "quire $($quire --version | cut -d' ' -f2) on $(nproc) cores, $(uname -m), $(date -u +%Y-%m-%d); median of $runs runs"
[ ${#missing[@]} -gt 0 ] && echo "peers not installed: ${missing[*]}"
printf '%-28s %8s | %8s %8s | %8s %8s %6s | %10s %7s\n' book size epub-s epub-MB pdf-s pdf-MB pages pandoc-epub ratio
for f in "$corpus"/*.txt "$corpus"/*.md; do
    [ -f "$f" ] || continue
    case $(basename "$f") in SOURCES.md | README.md) continue ;; esac
    name=$(basename "$f")
    size=$(du -k "$f" | cut -f1)
    read -r et em < <(measure "$quire" build -q -f epub -o "$tmp/q" "$f")
    read -r pt pm < <(measure "$quire" build -q -f pdf -o "$tmp/q" "$f")
    pages=$(pdfinfo "$tmp"/q/*.pdf 2>/dev/null | awk '/^Pages:/ {print $2}')
    rm -f "$tmp"/q/*
    pe="-"
    if [[ " ${peers[*]} " == *" pandoc "* ]]; then
        read -r pe _ < <(measure pandoc -f markdown -t epub3 -o "$tmp/p.epub" "$f")
    fi
    printf '%-28s %6sKB | %8s %8s | %8s %8s %6s | %10s %7s\n' "$name" "$size" "$et" \
        "$(awk -v m="$em" 'BEGIN { if (m == "-") print "-"; else printf "%.0f", m / 1024 }')" "$pt" \
        "$(awk -v m="$pm" 'BEGIN { if (m == "-") print "-"; else printf "%.0f", m / 1024 }')" \
        "${pages:--}" "$pe" "$(ratio "$et" "$pe")"
done
