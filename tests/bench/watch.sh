#!/usr/bin/env bash
# watch.sh QUIRE BOOK RUNS: make bench's watch table. The book is made a
# project (quire init, the book its one manuscript) and built by
# `quire build` (the full build), then watched: RUNS times a word is changed
# (one word of the line in the middle of the book: its first of five
# letters or more gets an 's', then loses it) and the rebuild waited for.
# Times are medians, wall (the rebuild line's own) and CPU (user + system
# of the process: /usr/bin/time for the build, /proc/PID/stat for watch,
# whose inotify wait and 150 ms quiet time cost no CPU); `reused` is the
# rebuild line's count of paragraphs the layout cache gave back; peak
# memory (MB) the build's maximum resident set and watch's (VmHWM), the
# cache with the last layout. Both
# formats, then the EPUB alone (-f epub: laid out still, for its
# page-list). Figures only.
set -euo pipefail
quire=$1 book=$2 runs=$3
tmp=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
tck=$(getconf CLK_TCK)

median() { sort -n | awk '{a[NR]=$1} END {if (NR==0) print "-"; else if (NR%2) print a[(NR+1)/2]; else printf "%.2f\n", (a[NR/2]+a[NR/2+1])/2}'; }
cpu_of() { awk -v t="$tck" '{printf "%.2f\n", ($14+$15)/t}' "/proc/$1/stat"; }
count() { grep -c "$1" "$tmp/log" || true; }
wait_for() { # PATTERN COUNT: up to 10 minutes
    for _ in $(seq 6000); do
        [ "$(count "$1")" -ge "$2" ] && return 0
        kill -0 "$pid" 2>/dev/null || return 1
        sleep 0.1
    done
    return 1
}

"$quire" init -q "$tmp/p" --title "Watched"
rm -f "$tmp/p/seeds/"*
cp "$book" "$tmp/p/seeds/01-book.${book##*.}"
ms="$tmp/p/seeds/01-book.${book##*.}"
# the line to edit: the first from the middle on with a word of 5 letters
total=$(wc -l < "$ms")
five='[A-Za-z][A-Za-z][A-Za-z][A-Za-z][A-Za-z]+' # mawk has no {5,}
line=$(awk -v m=$((total / 2)) "NR >= m && /$five/ {print NR; exit}" "$ms")
word=$(awk -v n="$line" "NR == n {match(\$0, /$five/); print substr(\$0, RSTART, RLENGTH); exit}" "$ms")
if [ -z "$word" ]; then
    echo "watch.sh: no word of five letters in the second half of $book" >&2
    exit 1
fi

row='%-22s %-9s %10s %10s %12s %12s %14s %9s %9s\n'
printf "$row" book out "build wall" "build cpu" "rebuild wall" "rebuild cpu" reused "build MB" "watch MB"
for fmt in both epub; do
    args=()
    [ "$fmt" = epub ] && args=(-f epub)
    walls=() cpus=() mem=0
    for _ in $(seq "$runs"); do
        /usr/bin/time -f "%e %U %S %M" -o "$tmp/time" "$quire" build -q "${args[@]}" "$tmp/p" >/dev/null 2>&1
        read -r w u s m < "$tmp/time"
        [ "$m" -gt "$mem" ] && mem=$m
        walls+=("$w")
        cpus+=("$(awk -v u="$u" -v s="$s" 'BEGIN {printf "%.2f", u + s}')")
    done
    bw=$(printf '%s\n' "${walls[@]}" | median)
    bc=$(printf '%s\n' "${cpus[@]}" | median)
    "$quire" watch "${args[@]}" "$tmp/p" > "$tmp/log" 2>&1 &
    pid=$!
    wait_for "Ctrl-C stops" 1
    rwalls=() rcpus=() reused=-
    for i in $(seq "$runs"); do
        c0=$(cpu_of "$pid")
        if [ $((i % 2)) = 1 ]; then
            sed -i "${line}s/\\b$word\\b/${word}s/" "$ms"
        else
            sed -i "${line}s/\\b${word}s\\b/$word/" "$ms"
        fi
        wait_for "changed: built in" "$i"
        c1=$(cpu_of "$pid")
        rcpus+=("$(awk -v a="$c0" -v b="$c1" 'BEGIN {printf "%.2f", b - a}')")
        l=$(grep "changed: built in" "$tmp/log" | sed -n "${i}p")
        rwalls+=("$(sed -E 's/.*built in ([0-9.]+) s.*/\1/' <<< "$l")")
        reused=$(sed -nE 's/.*\(([0-9]+ of [0-9]+) paragraphs reused\).*/\1/p' <<< "$l")
    done
    hwm=$(awk '/^VmHWM:/ {print $2}' "/proc/$pid/status")
    kill -INT "$pid"
    wait "$pid" || true
    pid=
    cp "$book" "$ms" # the word as it was, for the next format
    printf "$row" "$(basename "$book")" "$([ $fmt = epub ] && echo EPUB || echo EPUB+PDF)" "$bw" "$bc" \
        "$(printf '%s\n' "${rwalls[@]}" | median)" "$(printf '%s\n' "${rcpus[@]}" | median)" "$reused" \
        $((mem / 1024)) $((hwm / 1024))
done
