#!/usr/bin/env bash
# make bench: builds each book of a corpus with quire and with the tools a user
# would pick instead, and prints three tables. Speed: input size, the time of
# each EPUB and PDF (the median of RUNS runs after a warm-up), the ratio to
# quire's time for the same output, peak memory (the largest process's maximum
# resident set, from /usr/bin/time) and pages. Quality: every PDF of a book
# measured the same way from its word boxes by tests/bench/pdfquality.
# Then a watch table (tests/bench/watch.sh): the largest book built whole
# against quire watch's rebuild after a one-word change. Figures only:
# nothing here passes or fails on speed or quality.
#
#   CORPUS=DIR        a folder of .txt/.md books (default ../shared/corpus, else tests/corpus)
#   RUNS=N            timed runs per measurement (default 5; 1 for a quick look)
#   PEERS="LIST"      peers to run, of: pandoc-epub typst xelatex weasyprint (default: all)
#   PEER_TIMEOUT=S    a peer's run taking longer is stopped and shown as 'timeout' (default 900)
#
# Peers, each optional (a line says which are missing; `make bench-deps`
# installs them): pandoc to EPUB; Typst 0.14 to PDF through the npm package
# @myriaddreamin/typst-ts-node-compiler (tests/bench/typst.mjs); pandoc to
# PDF through xelatex and through WeasyPrint. Every PDF is set on quire's
# default page: A5, margins inner 20 mm, outer 16 mm, top 18 mm, bottom 22 mm,
# EB Garamond 12 from fonts/ at 11 pt on a 14 pt baseline-to-baseline
# distance, justified, hyphenated, paragraphs indented.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD

corpus=${CORPUS:-../shared/corpus}
[ -d "$corpus" ] || corpus=tests/corpus
runs=${RUNS:-5}
quire=${QUIRE:-./quire}
pdfquality=tests/bench/pdfquality
peer_timeout=${PEER_TIMEOUT:-900}
want=" ${PEERS:-pandoc-epub typst xelatex weasyprint} "
want=${want//,/ }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for tool in /usr/bin/time pdfinfo pdftotext timeout; do
    if ! command -v "$tool" >/dev/null; then
        echo "bench: $tool is missing (Debian packages time, poppler-utils, coreutils); run 'make deps'" >&2
        exit 1
    fi
done
if [ ! -x "$pdfquality" ]; then
    echo "bench: $pdfquality is missing; run 'make bench'" >&2
    exit 1
fi

# median of the numbers on stdin
median() { sort -n | awk '{a[NR]=$1} END {if (NR==0) print "-"; else if (NR%2) print a[(NR+1)/2]; else printf "%.3f\n", (a[NR/2]+a[NR/2+1])/2}'; }

# measure CMD...: prints "median_seconds peak_kb" over $runs runs after a
# warm-up, or "failed -" / "timeout -" (the warm-up's stderr stays in $tmp/err).
measure() {
    local rc=0
    "$@" >/dev/null 2>"$tmp/err" || rc=$?
    if [ "$rc" -ne 0 ]; then
        [ "$rc" -eq 124 ] && echo "timeout -" || echo "failed -"
        return
    fi
    local times=() mem=0 t m
    for _ in $(seq "$runs"); do
        /usr/bin/time -f "%e %M" -o "$tmp/time" "$@" >/dev/null 2>&1 || { echo "failed -"; return; }
        read -r t m < "$tmp/time"
        times+=("$t")
        [ "$m" -gt "$mem" ] && mem=$m
    done
    printf '%s %s\n' "$(printf '%s\n' "${times[@]}" | median)" "$mem"
}

# peer CMD...: measure, with the peer's time limit
peer() { measure timeout "$peer_timeout" "$@"; }

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a !~ /^[0-9.]+$/ || b !~ /^[0-9.]+$/ || a == 0) print "-"; else printf "%.1fx", b / a }'; }
mb() { awk -v m="$1" 'BEGIN { if (m !~ /^[0-9]+$/) print "-"; else printf "%.0f", m / 1024 }'; }
pages() { [ -f "$1" ] && pdfinfo "$1" 2>/dev/null | awk '/^Pages:/ {print $2}' || echo -; }

# The peers found on this machine.
typst_ok=0
[ -d tests/bench/node_modules/@myriaddreamin/typst-ts-node-compiler ] && command -v node >/dev/null && typst_ok=1
peers=() missing=()
on() { [[ $want == *" $1 "* ]]; }
if on pandoc-epub; then
    command -v pandoc >/dev/null && peers+=(pandoc-epub) || missing+=("pandoc (EPUB)")
fi
if on typst; then
    [ $typst_ok = 1 ] && peers+=(typst) || missing+=("Typst (npm @myriaddreamin/typst-ts-node-compiler: make bench-deps)")
fi
if on xelatex; then
    command -v pandoc >/dev/null && command -v xelatex >/dev/null && peers+=(xelatex) ||
        missing+=("pandoc + xelatex (PDF)")
fi
if on weasyprint; then
    command -v pandoc >/dev/null && command -v weasyprint >/dev/null && peers+=(weasyprint) ||
        missing+=("pandoc + WeasyPrint (PDF)")
fi
has() { [[ " ${peers[*]} " == *" $1 "* ]]; }

label() {
    case $1 in
    quire) echo quire ;;
    pandoc-epub) echo pandoc ;;
    typst) echo Typst ;;
    xelatex) echo "pandoc + xelatex" ;;
    weasyprint) echo "pandoc + WeasyPrint" ;;
    esac
}

# The commands of the peers, on quire's page.
fonts=$root/fonts/
latex_page=(-V "mainfont=EBGaramond12-Regular.otf" -V "mainfontoptions=Path=$fonts"
    -V "mainfontoptions=ItalicFont=EBGaramond12-Italic.otf" -V "mainfontoptions=BoldFont=EBGaramond12-Bold.otf"
    -V fontsize=11pt -V linestretch=1.0294 -V indent=true -V lang=en
    -V geometry:paperwidth=148mm -V geometry:paperheight=210mm -V geometry:inner=20mm
    -V geometry:outer=16mm -V geometry:top=18mm -V geometry:bottom=22mm -V geometry:twoside)
run_peer() { # PEER BOOK OUTDIR
    local f=$2 out=$3
    case $1 in
    pandoc-epub) peer pandoc -f markdown -t epub3 -o "$out/pandoc.epub" "$f" ;;
    typst) peer node tests/bench/typst.mjs "$f" "$out/typst.pdf" ;;
    xelatex) peer pandoc -f markdown --pdf-engine=xelatex "${latex_page[@]}" -o "$out/xelatex.pdf" "$f" ;;
    weasyprint) peer pandoc -f markdown -t html5 -s --metadata title="$(basename "$f")" \
        --pdf-engine=weasyprint -c "$root/tests/bench/page.css" -o "$out/weasyprint.pdf" "$f" ;;
    esac
}

cpu=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)
memory=$(awk '/^MemTotal:/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)
echo "quire $($quire --version | cut -d' ' -f2); $(nproc) cores ($cpu), $memory, $(uname -m); $(date -u +%Y-%m-%d)"
echo "median of $runs runs after a warm-up; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
has pandoc-epub || has xelatex || has weasyprint && echo "peers: $(pandoc --version | head -1)"
has typst && echo "peers: $(node tests/bench/typst.mjs --version 2>/dev/null || echo Typst)"
has xelatex && echo "peers: $(xelatex --version | head -1)"
has weasyprint && echo "peers: $(weasyprint --version)"
[ ${#missing[@]} -gt 0 ] && printf 'peer missing: %s\n' "${missing[@]}"
echo
echo "Speed (time: median seconds; x quire: the peer's time over quire's for the same output -- pandoc's EPUB over quire's without a page-list, which is the same work; peak: MB)"
row='%-26s %9s  %-20s %-4s %8s %8s %6s %6s\n'
printf "$row" book size tool out time "x quire" peak pages
: > "$tmp/quality"
notes=()
for f in "$corpus"/*.txt "$corpus"/*.md; do
    [ -f "$f" ] || continue
    case $(basename "$f") in SOURCES.md | README.md) continue ;; esac
    name=$(basename "$f")
    size="$(($(stat -c %s "$f") / 1024)) KB"
    out=$tmp/out/$name
    mkdir -p "$out/q"
    # the EPUB as built by default (laid out for its page-list), and without
    # the page-list (no layout: what pandoc's EPUB does)
    read -r et em < <(measure "$quire" build -q -f epub -o "$out/q" "$f")
    read -r nt nm < <(measure "$quire" build -q -f epub --no-page-list -o "$out/q" "$f")
    read -r pt pm < <(measure "$quire" build -q -f pdf -o "$out/q" "$f")
    pdfs=()
    for p in "$out"/q/*.pdf; do
        if [ -f "$p" ]; then mv "$p" "$out/quire.pdf" && pdfs+=(quire); fi
    done
    printf "$row" "$name" "$size" quire EPUB "$et" - "$(mb "$em")" -
    printf "$row" "" "" "quire --no-page-list" EPUB "$nt" - "$(mb "$nm")" -
    printf "$row" "" "" quire PDF "$pt" - "$(mb "$pm")" "$(pages "$out/quire.pdf")"
    for p in "${peers[@]}"; do
        read -r t m < <(run_peer "$p" "$f" "$out")
        if [ "$p" = pandoc-epub ]; then
            printf "$row" "" "" "$(label "$p")" EPUB "$t" "$(ratio "$nt" "$t")" "$(mb "$m")" -
        else
            printf "$row" "" "" "$(label "$p")" PDF "$t" "$(ratio "$pt" "$t")" "$(mb "$m")" "$(pages "$out/$p.pdf")"
            if [ -f "$out/$p.pdf" ]; then pdfs+=("$p"); fi
        fi
        case $t in
        timeout) notes+=("$name, $(label "$p"): stopped after PEER_TIMEOUT=$peer_timeout s") ;;
        failed) notes+=("$name, $(label "$p"): failed: $(grep -v '^\s*$' "$tmp/err" | head -1 || true)") ;;
        esac
    done
    # the quality of every PDF of this book, side by side
    for p in "${pdfs[@]}"; do
        printf '%s\t%s\t' "$name" "$(label "$p")" >> "$tmp/quality"
        "$pdfquality" -t "$out/$p.pdf" | tail -n +2 | cut -f2- >> "$tmp/quality" || echo >> "$tmp/quality"
    done
    rm -rf "$out"
done
[ ${#notes[@]} -gt 0 ] && printf 'note: %s\n' "${notes[@]}"

echo
echo "Typesetting quality of each PDF (tests/bench/pdfquality; legend below)"
qrow='%-26s %-20s %6s %7s %6s %6s %7s %6s %6s %10s %6s %4s %7s %7s\n'
printf "$qrow" book tool pages justif space widest spread loose% tight% "past(hang)" hyph% run widows orphans
prev=
while IFS=$'\t' read -r book tool pg _lines _body just space widest cv loose tight past hang hyph run widows orphans; do
    [ "$book" = "$prev" ] && shown="" || shown=$book
    prev=$book
    printf "$qrow" "$shown" "$tool" "$pg" "$just" "$space" "$widest" "$cv" "$loose" "$tight" "$past($hang)" \
        "$hyph" "$run" "$widows" "$orphans"
done < "$tmp/quality"
echo
"$pdfquality" -l

# quire watch: the largest book of the corpus (War and Peace in
# ../shared/corpus) built whole, then again after a one-word change
echo
largest=$(ls -S "$corpus"/*.txt "$corpus"/*.md 2>/dev/null | head -1 || true)
if [ -n "$largest" ]; then
    echo "Watch (a full quire build against quire watch's rebuild after one word changed; median seconds of $runs; tests/bench/watch.sh)"
    tests/bench/watch.sh "$quire" "$largest" "$runs"
fi
