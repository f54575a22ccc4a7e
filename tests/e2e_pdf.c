/*
 * e2e_pdf.c: the PDF edition, checked with the tools a printer or a reader
 * would use: qpdf --check clean, every font embedded (pdffonts), every word
 * of the source in the text pdftotext extracts, in order, no word past the
 * text block's edge (pdftotext -bbox), the metadata (pdfinfo), the same
 * bytes when built again; and golden traces of the layout for small
 * fixtures (tests/golden/typeset/).
 */
#include <math.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <sys/stat.h>

#include "pdf/pdf.h"
#include "read/read.h"
#include "test.h"

static const char *S_quire(void)
{
    const char *q = getenv("QUIRE");
    return q && *q ? q : "./quire";
}

/* Words: runs of letters and digits in any script (as epubread.c). */
typedef struct word {
    const char *s;
    size_t len;
    int hyphen_after; /* a '-' follows the word directly */
    int line_end;     /* ...and ends the line (text side) */
    int space_before; /* white space between it and the word before */
} word;

/* Chinese and Japanese have no spaces: each character is a word of its
 * own, so lines may break anywhere. */
static int S_cjk_cp(uint32_t c)
{
    return (c >= 0x3040 && c <= 0x30FF) || (c >= 0x3400 && c <= 0x9FFF) ||
           (c >= 0xAC00 && c <= 0xD7AF) || (c >= 0xF900 && c <= 0xFAFF) ||
           (c >= 0xFF10 && c <= 0xFFEF) || c >= 0x20000;
}

static word *S_words(const char *s, size_t len, size_t *n)
{
    size_t cap = 1024;
    word *w = xmalloc(cap * sizeof *w);
    *n = 0;
    size_t i = 0;
    int space = 1;
    while (i < len) {
        uint32_t c;
        int k = qr_utf8_decode(s + i, len - i, &c);
        if (!qt_word_cp(c)) {
            if (c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == 0xA0)
                space = 1;
            i += (size_t)k;
            continue;
        }
        size_t start = i;
        if (S_cjk_cp(c)) {
            i += (size_t)k;
        } else {
            /* digits apart from letters: pdftotext joins a hyphenated
             * line end to the folio below it ("mast-" and "12") */
            int digit = c >= '0' && c <= '9';
            while (i < len) {
                k = qr_utf8_decode(s + i, len - i, &c);
                if (!qt_word_cp(c) || S_cjk_cp(c) || (c >= '0' && c <= '9') != digit)
                    break;
                i += (size_t)k;
            }
        }
        if (*n == cap)
            w = xrealloc(w, (cap *= 2) * sizeof *w);
        w[*n].s = s + start;
        w[*n].len = i - start;
        /* a hyphen after the word, or after the emphasis that closes it
         * in the source ("_self_-respect") */
        size_t h = i;
        while (h < len && (s[h] == '_' || s[h] == '*'))
            h++;
        /* ...or a soft hyphen (U+00AD: the PDF's hyphen at a line's end) */
        size_t hl = h < len && s[h] == '-' ? 1
                    : h + 1 < len && (unsigned char)s[h] == 0xC2 && (unsigned char)s[h + 1] == 0xAD
                        ? 2
                        : 0;
        w[*n].hyphen_after = hl > 0;
        w[*n].line_end =
            hl > 0 && h + hl < len && (s[h + hl] == '\n' || s[h + hl] == '\f');
        w[*n].space_before = space;
        space = 0;
        (*n)++;
    }
    return w;
}

/* Equal, ignoring ASCII case; a right-to-left word (Hebrew, Arabic) may
 * come out of pdftotext in visual order, its letters reversed. */
static int S_eq(const char *a, size_t al, const char *b, size_t bl)
{
    if (al != bl)
        return 0;
    if (strncasecmp(a, b, al) == 0)
        return 1;
    uint32_t c;
    qr_utf8_decode(a, al, &c);
    if (!(c >= 0x0590 && c <= 0x06FF))
        return 0;
    char rev[256];
    if (al > sizeof rev)
        return 0;
    size_t i = 0;
    while (i < al) {
        int k = qr_utf8_decode(a + i, al - i, &c);
        memcpy(rev + al - i - (size_t)k, a + i, (size_t)k);
        i += (size_t)k;
    }
    return memcmp(rev, b, al) == 0;
}

/* Whether a word is a CJK character (a plain-text line break inside
 * Japanese joins its lines without a space). */
static int S_cjk_word(const word *w)
{
    uint32_t c;
    qr_utf8_decode(w->s, w->len, &c);
    return S_cjk_cp(c);
}

/* The Latin ligature characters (U+FB00..FB06) some extractors give for a
 * ligature glyph, spelt out as their letters. */
static void S_unligate(qr_buf *text)
{
    static const char *const lig[] = {"ff", "fi", "fl", "ffi", "ffl", "st", "st"};
    qr_buf out = QR_BUF_INIT;
    for (size_t i = 0; i < text->len;) {
        uint32_t c;
        int k = qr_utf8_decode(text->ptr + i, text->len - i, &c);
        if (k <= 0)
            k = 1;
        if (c >= 0xFB00 && c <= 0xFB06)
            qr_buf_adds(&out, lig[c - 0xFB00]);
        else
            qr_buf_add(&out, text->ptr + i, (size_t)k);
        i += (size_t)k;
    }
    qr_buf_reset(text);
    qr_buf_add(text, out.ptr, out.len);
    qr_buf_release(&out);
}

/*
 * Every source word in the text, in order. The text may hold more words
 * (running heads, folios) and joins hyphenated line ends, so a compound
 * "well-known" broken at its hyphen reads "wellknown"; a word split over
 * a page break reads "exam-" ... "ple".
 *
 * `merged` counts the places where the text runs two words together that
 * the source has white space between: a text word that is two or more
 * source words ("Callme"), or two words that follow each other in both
 * with nothing but punctuation between them in the text ("Ishmael.Some");
 * the first of them goes in `merge`.
 */
static long S_words_in_pdf_text(const char *src, size_t src_len, const char *text, size_t text_len,
                                char *missing, size_t msize, long *merged, char *merge,
                                size_t merge_size, size_t window)
{
    size_t ns, nt;
    word *sw = S_words(src, src_len, &ns);
    word *tw = S_words(text, text_len, &nt);
    size_t i = 0, j = 0;
    long matched = 0, lost = 0;
    qr_buf joined = QR_BUF_INIT;
    while (i < ns) {
        size_t j0 = j;
        int ok = 0;
        for (; j < nt && (lost == 0 || j < j0 + 5000) && (!window || !matched || j < j0 + window);
             j++) {
            if (S_eq(sw[i].s, sw[i].len, tw[j].s, tw[j].len)) {
                /* the word right after the last one matched, with white
                 * space before it in the source and none in the text */
                if (merged && j == j0 && j > 0 && i > 0 && sw[i].space_before &&
                    !tw[j].space_before && !S_cjk_word(&sw[i - 1]) && !S_cjk_word(&sw[i])) {
                    if (*merged == 0)
                        snprintf(merge, merge_size, "%.*s%.*s",
                                 (int)(tw[j - 1].len > 40 ? 40 : tw[j - 1].len), tw[j - 1].s,
                                 (int)(tw[j].len > 40 ? 40 : tw[j].len), tw[j].s);
                    (*merged)++;
                }
                i++, j++, ok = 1;
                break;
            }
            /* source words with white space between, run together */
            if (merged && tw[j].len > sw[i].len && strncasecmp(sw[i].s, tw[j].s, sw[i].len) == 0) {
                qr_buf_reset(&joined);
                size_t k = i, spaced = 0;
                while (k < ns && k < i + 40 && joined.len < tw[j].len) {
                    if (k > i && sw[k].space_before)
                        spaced++;
                    qr_buf_add(&joined, sw[k].s, sw[k].len);
                    k++;
                }
                if (spaced && S_eq(joined.ptr, joined.len, tw[j].s, tw[j].len)) {
                    if (*merged == 0)
                        snprintf(merge, merge_size, "%.*s", (int)(tw[j].len > 60 ? 60 : tw[j].len),
                                 tw[j].s);
                    (*merged)++;
                    matched += (long)(k - i) - 1;
                    i = k, j++, ok = 1;
                    break;
                }
                /* ...the last of them hyphenated at the line's end, its
                 * tail the next text word */
                size_t over = joined.len - tw[j].len, last = sw[k - 1].len;
                if (spaced && over > 0 && over < last && j + 1 < nt &&
                    strncasecmp(joined.ptr, tw[j].s, tw[j].len) == 0 &&
                    S_eq(sw[k - 1].s + last - over, over, tw[j + 1].s, tw[j + 1].len)) {
                    if (*merged == 0)
                        snprintf(merge, merge_size, "%.*s", (int)(tw[j].len > 60 ? 60 : tw[j].len),
                                 tw[j].s);
                    (*merged)++;
                    matched += (long)(k - i) - 1;
                    i = k, j += 2, ok = 1;
                    break;
                }
            }
            /* a compound joined by pdftotext's dehyphenation */
            if (sw[i].hyphen_after && i + 1 < ns) {
                qr_buf_reset(&joined);
                qr_buf_add(&joined, sw[i].s, sw[i].len);
                qr_buf_add(&joined, sw[i + 1].s, sw[i + 1].len);
                if (S_eq(joined.ptr, joined.len, tw[j].s, tw[j].len)) {
                    i += 2, j++, ok = 1;
                    break;
                }
            }
            /* a word hyphenated across a page: its head (pdftotext may glue
             * the folio to it, dropping the hyphen), then its tail after the
             * running head */
            if (tw[j].len < sw[i].len && strncasecmp(sw[i].s, tw[j].s, tw[j].len) == 0) {
                const char *rest = sw[i].s + tw[j].len;
                size_t rl = sw[i].len - tw[j].len;
                /* hyphenated (or glued to a folio): its tail after the
                 * running head; else a word an extractor split (poppler
                 * splits a letter off a word whose next letter is kerned
                 * far under it): its tail right after it */
                int head = tw[j].len >= 2 &&
                           (tw[j].hyphen_after ||
                            (j + 1 < nt && tw[j + 1].s[0] >= '0' && tw[j + 1].s[0] <= '9'));
                /* (the page's footnotes, folio and running head between:
                 * notes may run to hundreds of words) */
                size_t k = j + 1, reach = head ? 800 : 2;
                for (; k < nt && k < j + reach; k++)
                    if (S_eq(rest, rl, tw[k].s, tw[k].len) ||
                        S_eq(sw[i].s, sw[i].len, tw[k].s, tw[k].len))
                        break;
                /* the whole word before the tail, or there: the head was
                 * another word (a running head's "Whale" 352 before
                 * "whales") */
                int whole = k < nt && S_eq(sw[i].s, sw[i].len, tw[k].s, tw[k].len);
                for (size_t m = j + 1; m < k && m < nt && !whole; m++)
                    whole = S_eq(sw[i].s, sw[i].len, tw[m].s, tw[m].len);
                if (k < nt && k < j + reach && !whole) {
                    i++, j = k + 1, ok = 1;
                    break;
                }
            }
        }
        /* a word hyphenated at a page's last line, right after the last
         * word matched, its head glued by pdftotext's dehyphenation to the
         * first word of a footnote set under it ("indus-" and "the" read
         * "industhe"; "hieroglyph-" and "14" read "hieroglyph14"): its tail
         * after the note (tried last: the word found nowhere else) */
        if (!ok && j0 < nt && sw[i].len >= 4 && tw[j0].len > 2) {
            size_t top = 0, found = 0;
            while (top < sw[i].len && top < tw[j0].len &&
                   tolower((unsigned char)sw[i].s[top]) == tolower((unsigned char)tw[j0].s[top]))
                top++;
            /* the head may end in a letter the note's word opens with; or
             * be all of the text word, the note's number after it */
            int glued = top < tw[j0].len ||
                        (j0 + 1 < nt && tw[j0 + 1].s[0] >= '0' && tw[j0 + 1].s[0] <= '9');
            for (size_t h = top; h >= 3 && !found && glued; h--)
                for (size_t k = j0 + 3; h + 3 <= sw[i].len && k < nt && k < j0 + 800 && !found;
                     k++)
                    if (S_eq(sw[i].s + h, sw[i].len - h, tw[k].s, tw[k].len))
                        found = k;
            if (found) {
                i++, j = found + 1, ok = 1;
                matched++;
                continue;
            }
        }
        if (!ok) {
            if (lost++ == 0)
                snprintf(missing, msize,
                         "%.*s (source word %zu; text searched from word %zu: %.*s)",
                         (int)(sw[i].len > 40 ? 40 : sw[i].len), sw[i].s, i + 1, j0 + 1,
                         j0 < nt ? (int)(tw[j0].len > 40 ? 40 : tw[j0].len) : 0,
                         j0 < nt ? tw[j0].s : "");
            /* counting merges: go on from the next source word (a few
             * hundred at most: each one lost searches the rest of the text) */
            if (!merged || lost > 300)
                break;
            i++, j = j0;
            continue;
        }
        matched++;
    }
    if (lost > 1) {
        size_t l = strlen(missing);
        snprintf(missing + l, msize - l, " [%s%ld source words not found]",
                 lost > 300 ? "over " : "", lost > 300 ? 300 : lost);
    }
    if (lost)
        matched = -1;
    qr_buf_release(&joined);
    free(sw);
    free(tw);
    return matched;
}

long qt_words_in_pdf_text(const char *src, size_t src_len, const char *text, size_t text_len,
                          char *missing, size_t msize)
{
    /* merged words are the extractor tests' business (above); here, order */
    long merged = 0;
    char merge[64];
    return S_words_in_pdf_text(src, src_len, text, text_len, missing, msize, &merged, merge,
                               sizeof merge, 0);
}

/* qpdf --check: exit 0 and its all-clear line. */
static void S_qpdf(const char *pdf)
{
    const char *argv[] = {"qpdf", "--check", pdf, NULL};
    qr_buf out = QR_BUF_INIT, err = QR_BUF_INIT;
    int rc = qt_run(argv, NULL, &out, &err);
    if (rc != 0 || !strstr(out.ptr, "No syntax or stream encoding errors found"))
        qt_fail(__FILE__, __LINE__, "qpdf --check %s: exit %d\n%s%s", pdf, rc, out.ptr, err.ptr);
    qr_buf_release(&out);
    qr_buf_release(&err);
}

/* pdffonts: at least one font, and every one embedded. */
static void S_fonts_embedded(const char *pdf)
{
    const char *argv[] = {"pdffonts", pdf, NULL};
    qr_buf out = QR_BUF_INIT;
    int rc = qt_run(argv, NULL, &out, NULL);
    int fonts = 0;
    char *save = NULL;
    char *copy = xstrdup(out.ptr);
    int line = 0;
    for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save), line++) {
        if (line < 2)
            continue; /* the header and its rule */
        /* the columns from the right: emb sub uni object-number generation */
        char *tok[64];
        int nt = 0;
        char *s2 = NULL;
        for (char *t = strtok_r(l, " ", &s2); t && nt < 64; t = strtok_r(NULL, " ", &s2))
            tok[nt++] = t;
        if (nt < 6)
            continue;
        fonts++;
        if (strcmp(tok[nt - 5], "yes") != 0)
            qt_fail(__FILE__, __LINE__, "%s: font %s is not embedded", pdf, tok[0]);
    }
    free(copy);
    if (rc != 0 || fonts == 0)
        qt_fail(__FILE__, __LINE__, "pdffonts %s: exit %d, %d fonts\n%s", pdf, rc, fonts, out.ptr);
    qr_buf_release(&out);
}

/*
 * The number in attribute `name` (given with its `="`) of the tag running
 * from p to its closing '>' at end; 0 when the tag has none. Searching only
 * the tag keeps the scan of pdftotext's output linear: strstr() would look
 * through the rest of the output for a missing attribute, and under ASan its
 * interceptor measures the rest of the haystack on every call.
 */
static double S_tag_attr(const char *p, const char *end, const char *name)
{
    size_t n = strlen(name);
    for (const char *q = p; q + n <= end; q++)
        if (memcmp(q, name, n) == 0)
            return atof(q + n);
    return 0;
}

/* The first `needle` in [p, end), or NULL: strstr() without its ASan
 * interceptor's measure of the whole rest of the haystack at every call
 * (quadratic over a long book's pdftotext -bbox output). */
static const char *S_find(const char *p, const char *end, const char *needle)
{
    size_t n = strlen(needle);
    while (p && p + n <= end) {
        const char *q = memchr(p, needle[0], (size_t)(end - p) - n + 1);
        if (!q || memcmp(q, needle, n) == 0)
            return q;
        p = q + 1;
    }
    return NULL;
}

/*
 * pdftotext -bbox: no word beyond the text block's right edge, but for
 * character protrusion: a word may pass it by at most its last
 * character's protrusion (from the font's table, in thousandths of the
 * character's width, at `size` points), to 0.5 pt. Returns how many words
 * hang past the edge (by 0.1 pt or more), *exact those hanging by their
 * last character's amount (to 0.25 pt: a full stop 0.6 of its width, 1.5
 * pt, not 0.6 em). With protrusion 0 no word may pass the edge.
 */
static int S_no_ink_past_edge_hang(const char *pdf, double inner, double outer, double size,
                                   int protrusion, int *exact)
{
    const char *argv[] = {"pdftotext", "-bbox", pdf, "-", NULL};
    qr_buf out = QR_BUF_INIT;
    CHECK_INT_EQ(qt_run(argv, NULL, &out, NULL), 0);
    int page = 0, words = 0, past = 0, hang = 0, n_exact = 0;
    double width = 0, worst = 0;
    for (const char *p = out.ptr; (p = strchr(p, '<'));) {
        p++;
        const char *end = strchr(p, '>');
        if (!end)
            break;
        if (strncmp(p, "page ", 5) == 0) {
            page++;
            width = S_tag_attr(p, end, "width=\"");
        } else if (strncmp(p, "word ", 5) == 0) {
            double xmax = S_tag_attr(p, end, "xMax=\"");
            /* rectos (odd pages) have the inner margin on the left */
            double right = page % 2 == 1 ? width - outer : width - inner;
            const char *text = end + 1,
                       *text_end = S_find(text, out.ptr + out.len, "</word>");
            uint32_t last = text_end ? qt_last_char(text, text_end) : 0;
            double allow = protrusion ? qt_protrusion_right(last, size) : 0;
            words++;
            if (xmax > right + 0.1) {
                hang++;
                double hung = xmax - right;
                if (allow > 0 && fabs(hung - allow) < 0.25)
                    n_exact++;
                if (xmax > right + allow + 0.5) {
                    past++;
                    if (hung - allow > worst)
                        worst = hung - allow;
                }
            }
        }
    }
    if (words == 0 || past > 0)
        qt_fail(__FILE__, __LINE__,
                "%s: %d of %d words end past the text block, beyond their protrusion (by up to "
                "%.2f pt)",
                pdf, past, words, worst);
    qr_buf_release(&out);
    if (exact)
        *exact = n_exact;
    return hang;
}

static void S_no_ink_past_edge(const char *pdf, double inner, double outer)
{
    S_no_ink_past_edge_hang(pdf, inner, outer, 11, 1, NULL);
}

/*
 * pdftotext -bbox: no word box holds a space between two of its letters
 * (two words read as one); a space at a word's end, where the PDF's text
 * carries a tight line's space inside a glyph's cluster, is counted (-v).
 */
static void S_bbox_words_apart(const char *pdf)
{
    const char *argv[] = {"pdftotext", "-bbox", pdf, "-", NULL};
    qr_buf out = QR_BUF_INIT;
    int rc = qt_run(argv, NULL, &out, NULL);
    long words = 0, inside = 0, trailing = 0;
    char first[96] = "";
    const char *end = out.ptr + out.len;
    for (const char *p = out.ptr; (p = S_find(p, end, "<word ")); p++) {
        const char *t = S_find(p, end, ">"), *e = t ? S_find(t, end, "</word>") : NULL;
        if (!e)
            break;
        words++;
        t++;
        size_t a = 0, b = (size_t)(e - t);
        while (a < b && t[a] == ' ')
            a++;
        while (b > a && t[b - 1] == ' ')
            b--;
        if (a > 0 || b < (size_t)(e - t))
            trailing++;
        if (memchr(t + a, ' ', b - a) && inside++ == 0)
            snprintf(first, sizeof first, "%.*s", (int)(b - a > 80 ? 80 : b - a), t + a);
    }
    if (rc != 0 || words == 0 || inside > 0)
        qt_fail(__FILE__, __LINE__,
                "pdftotext -bbox %s: exit %d, %ld words, %ld with a space inside, first: \"%s\"",
                pdf, rc, words, inside, first);
    if (qt_verbose())
        fprintf(stderr, "  pdftotext -bbox: %ld words, %ld with a space at an end\n", words,
                trailing);
    qr_buf_release(&out);
}

/* Places where a space stands between two CJK characters. */
static long S_cjk_spaces(const char *s, size_t len)
{
    long n = 0;
    uint32_t last = 0; /* the character before the space */
    int spaced = 0;
    for (size_t i = 0; i < len;) {
        uint32_t c;
        int k = qr_utf8_decode(s + i, len - i, &c);
        i += k > 0 ? (size_t)k : 1;
        if (c == ' ') {
            spaced = 1;
            continue;
        }
        if (spaced && S_cjk_cp(last) && S_cjk_cp(c))
            n++;
        spaced = 0;
        last = c;
    }
    return n;
}

/* Builds src as a PDF into tests/out/NAME; returns the PDF's path. */
static int S_build(const char *name, const char *src, const char *pdf_name, qr_buf *pdf,
                   const char *extra)
{
    qr_buf dir = QR_BUF_INIT, err = QR_BUF_INIT;
    qt_scratch(name, &dir);
    const char *argv[] = {S_quire(), "build", "-f", "pdf", "-o", dir.ptr, src, extra, NULL};
    int rc = qt_run(argv, NULL, NULL, &err);
    if (rc != 0)
        qt_fail(__FILE__, __LINE__, "build %s: exit %d\n%s", src, rc, err.ptr);
    qr_buf_addf(pdf, "%s/%s", dir.ptr, pdf_name);
    qr_buf_release(&dir);
    qr_buf_release(&err);
    return rc;
}

static const struct pdf_case {
    const char *name, *src, *pdf;
    const char *info[3];
    int cjk; /* Chinese or Japanese: no space between two of its characters */
} books[] = {
    {"seed",
     "seeds/000_5b71d4f8b3bd2c5d.txt",
     "who-hacked-sony.pdf",
     {"Title:           Who Hacked Sony?", "Creator:         quire "},
     0},
    {"moby-dick",
     "tests/corpus/moby-dick.txt",
     "moby-dick-or-the-whale.pdf",
     {"Title:           Moby Dick; or The Whale", "Author:          Herman Melville",
      "Tagged:          yes"},
     0},
    {"japanese",
     "tests/corpus/kasei-no-kioku-ja.txt",
     "kasei-no-kioku-the-memory-of-mars.pdf",
     {"Author:          Raymond F. Jones"},
     1},
};

static const struct pdf_case *current;

static void test_pdf_book(void)
{
    const struct pdf_case *bc = current;
    qr_buf pdf = QR_BUF_INIT, again = QR_BUF_INIT, src = QR_BUF_INIT, text = QR_BUF_INIT;
    qr_buf info = QR_BUF_INIT;
    qr_buf name = QR_BUF_INIT;
    qr_buf_addf(&name, "pdf-%s", bc->name);
    if (S_build(name.ptr, bc->src, bc->pdf, &pdf, NULL) != 0)
        goto done;
    qr_buf_adds(&name, "-again");
    S_build(name.ptr, bc->src, bc->pdf, &again, NULL);
    if (!qt_same_file(pdf.ptr, again.ptr))
        qt_fail(__FILE__, __LINE__, "%s: two builds differ", bc->src);
    S_qpdf(pdf.ptr);
    S_fonts_embedded(pdf.ptr);
    S_no_ink_past_edge(pdf.ptr, 20 * 72 / 25.4, 16 * 72 / 25.4);
    S_bbox_words_apart(pdf.ptr);
    const char *pi[] = {"pdfinfo", pdf.ptr, NULL};
    qt_run(pi, NULL, &info, NULL);
    for (size_t k = 0; k < QR_ARRAY_LEN(bc->info) && bc->info[k]; k++)
        CHECK_CONTAINS(info.ptr, bc->info[k]);
    CHECK_INT_EQ(qt_read(bc->src, &src), 0);
    /* as in the EPUB: a Gutenberg header is set as back matter */
    const char *start = strstr(src.ptr, "*** START OF");
    const char *body = start ? strchr(start, '\n') : NULL;
    const char *s0 = src.ptr + (strncmp(src.ptr, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0);
    if (!body && strncmp(s0, "Title:", 6) == 0)
        body = strstr(s0, "\r\n\r\n");
    size_t split = qt_past_credits(src.ptr, src.len, body ? (size_t)(body - src.ptr) : 0);
    /* a printed contents list is the PDF's own contents page, at the front */
    const char *contents = strstr(src.ptr + split, "\nCONTENTS");
    size_t from = split;
    if (contents && (size_t)(contents - src.ptr) >= split + 8000)
        contents = NULL;
    if (contents) {
        /* the book from its first chapter: after the contents list */
        const char *first = strstr(contents, "\nCHAPTER 1.");
        first = first ? strstr(first + 1, "\nCHAPTER 1.") : NULL;
        const char *etym = strstr(contents + 1, "ETYMOLOGY.");
        etym = etym ? strstr(etym + 1, "ETYMOLOGY.") : NULL;
        if (etym)
            from = (size_t)(etym - src.ptr);
        else if (first)
            from = (size_t)(first - src.ptr);
    }
    /* every word of the source, in order, and no two of them run together,
     * in the text of each extractor a reader's tools use: poppler's
     * pdftotext in its reading and raw orders, MuPDF's and pdfminer's; a
     * tool that does not run fails. Raw order and pdfminer find word breaks
     * by gaps alone: the tightest lines' spaces are in the text itself
     * (src/pdf/pdftext.c) */
    static const char *const tools[][9] = {
        {"1", "pdftotext", "-enc", "UTF-8", "PDF", "-"},
        {"1", "pdftotext", "-raw", "-enc", "UTF-8", "PDF", "-"},
        {"1", "mutool", "draw", "-q", "-F", "txt", "-o", "-", "PDF"},
        {"1", "pdf2txt", "PDF"},
    };
    for (size_t t = 0; t < QR_ARRAY_LEN(tools); t++) {
        const char *argv[9] = {NULL};
        int strict = tools[t][0][0] == '1';
        /* a tool that runs words together loses its place: the search for
         * the next word stays near the last one found */
        size_t window = strict ? 0 : 3000;
        char tool[64] = "";
        for (size_t k = 1; k < 9 && tools[t][k]; k++) {
            argv[k - 1] = strcmp(tools[t][k], "PDF") == 0 ? pdf.ptr : tools[t][k];
            if (k == 1)
                snprintf(tool, sizeof tool, "%s", tools[t][k]);
            else if (k == 2 && strcmp(tools[t][k], "-raw") == 0)
                snprintf(tool + strlen(tool), sizeof tool - strlen(tool), " -raw");
        }
        qr_buf_reset(&text);
        int rc = qt_run(argv, NULL, &text, NULL);
        if (rc != 0 || text.len < 1000) {
            qt_fail(__FILE__, __LINE__, "%s %s: exit %d, %zu bytes of text", tool, pdf.ptr, rc,
                    text.len);
            continue;
        }
        S_unligate(&text);
        char missing[512], merge[128] = "";
        long merged = 0;
        if (contents &&
            S_words_in_pdf_text(src.ptr + split, (size_t)(contents - src.ptr) - split, text.ptr,
                                text.len, missing, sizeof missing, &merged, merge, sizeof merge,
                                window) < 0 &&
            strict)
            qt_fail(__FILE__, __LINE__, "%s: %s (front): %s", tool, bc->src, missing);
        long n = S_words_in_pdf_text(src.ptr + from, src.len - from, text.ptr, text.len, missing,
                                     sizeof missing, &merged, merge, sizeof merge, window);
        if (n < 0 && strict)
            qt_fail(__FILE__, __LINE__, "%s: %s: a word is missing or out of order: %s", tool,
                    bc->src, missing);
        if (split &&
            S_words_in_pdf_text(src.ptr, split, text.ptr, text.len, missing, sizeof missing,
                                &merged, merge, sizeof merge, window) < 0 &&
            strict)
            qt_fail(__FILE__, __LINE__, "%s: %s (header): %s", tool, bc->src, missing);
        if (merged > 0 && strict)
            qt_fail(__FILE__, __LINE__, "%s: %s: %ld places where words run together, first: %s",
                    tool, bc->src, merged, merge);
        if (qt_verbose())
            fprintf(stderr, "  %s: %s: %ld words in order, %ld merged%s%s\n", tool, bc->src, n,
                    merged, n < 0 ? "; missing: " : "", n < 0 ? missing : "");
    }
    /* the PDF's own text (its structure tree's, as written) invents no
     * space inside Chinese or Japanese: the gaps of a stretched line are
     * no spaces. (Extractors that find words by gaps alone still read
     * some there: pdftotext about 5,000 in the Japanese book, counted by
     * -v, not failed.) */
    if (bc->cjk) {
        const char *st[] = {"tests/structtext.py", pdf.ptr, NULL};
        qr_buf_reset(&text);
        int rc = qt_run(st, NULL, &text, NULL);
        long in_pdf = S_cjk_spaces(text.ptr, text.len), in_src = S_cjk_spaces(src.ptr, src.len);
        if (rc != 0 || text.len < 1000 || in_pdf > in_src)
            qt_fail(__FILE__, __LINE__,
                    "%s: tests/structtext.py exit %d; %ld spaces between CJK characters, the "
                    "source has %ld",
                    pdf.ptr, rc, in_pdf, in_src);
        const char *pt[] = {"pdftotext", "-enc", "UTF-8", pdf.ptr, "-", NULL};
        qr_buf_reset(&text);
        qt_run(pt, NULL, &text, NULL);
        if (qt_verbose())
            fprintf(stderr, "  %ld spaces between CJK characters in the tagged text, %ld in "
                            "pdftotext's, %ld in the source\n",
                    in_pdf, S_cjk_spaces(text.ptr, text.len), in_src);
    }
done:
    qr_buf_release(&pdf);
    qr_buf_release(&again);
    qr_buf_release(&src);
    qr_buf_release(&text);
    qr_buf_release(&info);
    qr_buf_release(&name);
}

/* --stats reports the layout's quality; a book of prose has no overfull
 * line, widow or orphan. */
static void test_stats(void)
{
    qr_buf dir = QR_BUF_INIT, out = QR_BUF_INIT, err = QR_BUF_INIT;
    qt_scratch("pdf-stats", &dir);
    const char *argv[] = {S_quire(), "build", "--stats", "-f",
                          "pdf",     "-o",    dir.ptr,   "tests/corpus/pride-and-prejudice.txt",
                          NULL};
    CHECK_INT_EQ(qt_run(argv, NULL, &out, &err), 0);
    CHECK_CONTAINS(out.ptr, "pages: ");
    CHECK_CONTAINS(out.ptr, "adjustment ratio: ");
    CHECK_CONTAINS(out.ptr, "hyphenated lines: ");
    CHECK_CONTAINS(out.ptr, "overfull lines: 0 ");
    CHECK_CONTAINS(out.ptr, "widows: 0, orphans: 0");
    /* character protrusion: a book of prose hangs many full stops, commas
     * and hyphens at the right, some quotes at the left */
    const char *pr = strstr(out.ptr, "protrusion: ");
    const char *pl = pr ? strstr(pr, "lines hang a character (") : NULL;
    int hung = pr ? atoi(pr + 12) : 0, hung_left = pl ? atoi(pl + 24) : 0;
    const char *prr = pl ? strstr(pl, "at the left, ") : NULL;
    int hung_right = prr ? atoi(prr + 13) : 0;
    if (hung < 1000 || hung_left < 10 || hung_right < 1000 || hung > hung_left + hung_right)
        qt_fail(__FILE__, __LINE__, "protrusion: %d lines, %d left, %d right", hung, hung_left,
                hung_right);
    /* few hyphens (TeX's levers: hyphen penalty, double-hyphen demerits,
     * and the limit of two in a row), font expansion in use */
    const char *hy = strstr(out.ptr, "hyphenated lines: ");
    const char *hp = hy ? strchr(hy, '(') : NULL, *hr = hy ? strstr(hy, "longest run ") : NULL;
    double hyph_pct = hp ? atof(hp + 1) : 100;
    int hyph_run = hr ? atoi(hr + 12) : 99;
    if (hyph_pct > 5 || hyph_run > 2)
        qt_fail(__FILE__, __LINE__, "hyphenated lines: %.1f%%, longest run %d (want <= 5%%, 2)",
                hyph_pct, hyph_run);
    const char *ex = strstr(out.ptr, "expansion: ");
    const char *el = ex ? strstr(ex, "largest ") : NULL;
    int expanded = ex ? atoi(ex + 11) : 0;
    double largest = el ? atof(el + 8) : 99;
    if (expanded < 1000 || largest > 2.0001 || largest <= 0)
        qt_fail(__FILE__, __LINE__, "expansion: %d lines, largest %.2f%%", expanded, largest);
    /* no line set catastrophically loose (the re-breaks that avoid widows
     * keep within five times the tolerance), and at most 1% of spreads whose
     * facing pages end on different lines */
    const char *r = strstr(out.ptr, ", max ");
    double ratio_max = r ? atof(r + 6) : 1e9;
    if (ratio_max > 5)
        qt_fail(__FILE__, __LINE__, "a line's adjustment ratio is %.2f", ratio_max);
    const char *pg = strstr(out.ptr, "pages: "), *un = strstr(out.ptr, "uneven spreads: ");
    int pages = pg ? atoi(pg + 7) : 0, uneven = un ? atoi(un + 16) : 1 << 30;
    if (pages < 300 || uneven * 100 > pages)
        qt_fail(__FILE__, __LINE__, "%d uneven spreads in %d pages", uneven, pages);
    qr_buf_release(&dir);
    qr_buf_release(&out);
    qr_buf_release(&err);
}

/* The width of pdftotext -bbox's `n`th word (0-based) that reads `w` (a
 * space after it or not), or -1. */
static double S_word_width(const char *bbox, const char *w, int n)
{
    char want[64];
    snprintf(want, sizeof want, ">%s", w);
    for (const char *p = bbox; (p = strstr(p, want)); p++) {
        const char *after = p + strlen(want);
        if (strncmp(after, "</word>", 7) != 0 && strncmp(after, " </word>", 8) != 0)
            continue;
        const char *tag = p;
        while (tag > bbox && strncmp(tag, "<word ", 6) != 0)
            tag--;
        if (n-- > 0)
            continue;
        return S_tag_attr(tag, p, "xMax=\"") - S_tag_attr(tag, p, "xMin=\"");
    }
    return -1;
}

/* Tables and the contents set lining, tabular figures (OpenType lnum,
 * tnum) where the body keeps the font's old-style, proportional ones: in
 * the body "1111" is narrower than "2014", in a table the two are as wide
 * (and wider than the body's "1111": other glyphs). */
static void test_lining_figures(void)
{
    qr_buf dir = QR_BUF_INIT, src = QR_BUF_INIT, pdf = QR_BUF_INIT, bbox = QR_BUF_INIT;
    qt_scratch("pdf-figures-src", &dir);
    qr_buf_addf(&src, "%s/figures.md", dir.ptr);
    static const char md[] = "---\ntitle: Figures\n---\n\n# Years\n\nThe years 1111 and 2014 "
                             "were long ones for the people who lived through them.\n\n"
                             "| Year | Count |\n| ---- | ----: |\n| 1111 | 2014 |\n";
    CHECK_INT_EQ(qt_write(src.ptr, md, strlen(md)), 0);
    if (S_build("pdf-figures", src.ptr, "figures.pdf", &pdf, NULL) != 0)
        goto done;
    const char *argv[] = {"pdftotext", "-bbox", pdf.ptr, "-", NULL};
    CHECK_INT_EQ(qt_run(argv, NULL, &bbox, NULL), 0);
    double body1 = S_word_width(bbox.ptr, "1111", 0), body2 = S_word_width(bbox.ptr, "2014", 0);
    double cell1 = S_word_width(bbox.ptr, "1111", 1), cell2 = S_word_width(bbox.ptr, "2014", 1);
    if (body1 <= 0 || body2 <= 0 || cell1 <= 0 || cell2 <= 0 || fabs(body1 - body2) < 1 ||
        fabs(cell1 - cell2) > 0.01 || fabs(cell1 - body1) < 1)
        qt_fail(__FILE__, __LINE__,
                "%s: figures' widths: body 1111 %.2f, 2014 %.2f; table 1111 %.2f, 2014 %.2f",
                pdf.ptr, body1, body2, cell1, cell2);
done:
    qr_buf_release(&dir);
    qr_buf_release(&src);
    qr_buf_release(&pdf);
    qr_buf_release(&bbox);
}

/* A URL longer than the rest of its line breaks after a slash, dot or
 * hyphen with no hyphen added: the lines it takes, joined, give it back. */
static void test_url_breaks(void)
{
    static const char url[] = "https://www.gutenberg.org/ebooks/"
                              "extraordinarily.comprehensive.bookshelves.catalogue.searching."
                              "and.one.more.to.be.sure.html";
    qr_buf dir = QR_BUF_INIT, src = QR_BUF_INIT, text = QR_BUF_INIT, pdf = QR_BUF_INIT;
    qr_buf joined = QR_BUF_INIT;
    qt_scratch("pdf-url-src", &dir);
    qr_buf_addf(&src, "%s/url.txt", dir.ptr);
    qr_buf body = QR_BUF_INIT;
    qr_buf_addf(&body,
                "Title: URLs\n\nThe whole collection of texts that were used here may be found "
                "at %s for anyone who cares to look, with some more words after it to fill the "
                "line.\n",
                url);
    CHECK_INT_EQ(qt_write(src.ptr, body.ptr, body.len), 0);
    if (S_build("pdf-url", src.ptr, "urls.pdf", &pdf, NULL) != 0)
        goto done;
    const char *pt[] = {"pdftotext", "-enc", "UTF-8", pdf.ptr, "-", NULL};
    CHECK_INT_EQ(qt_run(pt, NULL, &text, NULL), 0);
    const char *u = strstr(text.ptr, "https://");
    if (u)
        u += strlen("https://");
    CHECK(u != NULL);
    if (!u)
        goto done;
    /* from the URL's start to ".html", line ends left out */
    int lines = 1;
    for (const char *c = u; *c && !(c > u + 5 && strncmp(c - 5, ".html", 5) == 0); c++) {
        if (*c == '\n')
            lines++;
        else
            qr_buf_addc(&joined, *c);
    }
    CHECK_STR_EQ(joined.ptr, url + strlen("https://"));
    if (lines < 2)
        qt_fail(__FILE__, __LINE__, "the URL did not break: %s", joined.ptr);
done:
    qr_buf_release(&dir);
    qr_buf_release(&src);
    qr_buf_release(&text);
    qr_buf_release(&pdf);
    qr_buf_release(&joined);
    qr_buf_release(&body);
}

static void test_print_options(void)
{
    qr_buf dir = QR_BUF_INIT, err = QR_BUF_INIT, pdf = QR_BUF_INIT, info = QR_BUF_INIT;
    qt_scratch("pdf-options", &dir);
    const char *argv[] = {S_quire(),
                          "build",
                          "-f",
                          "pdf",
                          "--trim",
                          "6x9in",
                          "--margins",
                          "0.75in,0.5in,0.6in,0.8in",
                          "--font-size",
                          "12",
                          "--leading",
                          "15",
                          "-o",
                          dir.ptr,
                          "seeds/000_5b71d4f8b3bd2c5d.txt",
                          NULL};
    CHECK_INT_EQ(qt_run(argv, NULL, NULL, &err), 0);
    qr_buf_addf(&pdf, "%s/who-hacked-sony.pdf", dir.ptr);
    const char *pi[] = {"pdfinfo", pdf.ptr, NULL};
    qt_run(pi, NULL, &info, NULL);
    CHECK_CONTAINS(info.ptr, "Page size:       432 x 648 pts");
    S_no_ink_past_edge_hang(pdf.ptr, 0.75 * 72, 0.5 * 72, 12, 1, NULL);
    /* bad values are usage errors */
    const char *bad[] = {S_quire(), "build", "-f", "pdf", "--trim", "b7", ".", NULL};
    qr_buf_reset(&err);
    CHECK_INT_EQ(qt_run(bad, NULL, NULL, &err), 64);
    CHECK_CONTAINS(err.ptr, "unknown trim size 'b7'");
    const char *font[] = {S_quire(), "build",  "-f",
                          "pdf",     "--font", "No Such Font",
                          "-o",      dir.ptr,  "seeds/000_5b71d4f8b3bd2c5d.txt",
                          NULL};
    qr_buf_reset(&err);
    /* a family the command line names is a usage error, with the near ones */
    CHECK_INT_EQ(qt_run(font, NULL, NULL, &err), 64);
    CHECK_CONTAINS(err.ptr, "font 'No Such Font' not found");
    qr_buf_release(&dir);
    qr_buf_release(&err);
    qr_buf_release(&pdf);
    qr_buf_release(&info);
}

/* A word longer than the measure is cut, with no ink past the margin, and
 * the line-breaking parameters are the user's to set. */
static void test_long_word(void)
{
    qr_buf dir = QR_BUF_INIT, src = QR_BUF_INIT, path = QR_BUF_INIT, out = QR_BUF_INIT;
    qr_buf pdf = QR_BUF_INIT, text = QR_BUF_INIT;
    qt_scratch("pdf-long-word", &dir);
    qr_buf_adds(&src, "Longword\n\nA short start, then ");
    for (int i = 0; i < 100; i++)
        qr_buf_adds(&src, "abcd");
    qr_buf_adds(&src, " and the words after it, to the end of the paragraph.\n");
    qr_buf_addf(&path, "%s/long.txt", dir.ptr);
    qt_write(path.ptr, src.ptr, src.len);
    const char *argv[] = {S_quire(),
                          "build",
                          "--stats",
                          "--break",
                          "tolerance=300,hyphenpenalty=100,emergencystretch=20pt",
                          "-f",
                          "pdf",
                          "-o",
                          dir.ptr,
                          path.ptr,
                          NULL};
    CHECK_INT_EQ(qt_run(argv, NULL, &out, NULL), 0);
    CHECK_CONTAINS(out.ptr, "overfull lines: 0 ");
    qr_buf_addf(&pdf, "%s/longword.pdf", dir.ptr);
    S_no_ink_past_edge(pdf.ptr, 20 * 72 / 25.4, 16 * 72 / 25.4);
    const char *pt[] = {"pdftotext", "-enc", "UTF-8", pdf.ptr, "-", NULL};
    CHECK_INT_EQ(qt_run(pt, NULL, &text, NULL), 0);
    /* its pieces end with a soft hyphen (U+00AD): a reader's copy joins
     * them */
    CHECK(qt_join_soft_hyphens(&text) >= 3);
    char missing[512];
    if (S_words_in_pdf_text(src.ptr, src.len, text.ptr, text.len, missing, sizeof missing, NULL,
                            NULL, 0, 0) < 0)
        qt_fail(__FILE__, __LINE__, "long word: %s", missing);
    const char *bad[] = {S_quire(), "build", "--break", "tolerance=lots", ".", NULL};
    CHECK_INT_EQ(qt_run(bad, NULL, NULL, NULL), 64);
    qr_buf_release(&dir);
    qr_buf_release(&src);
    qr_buf_release(&path);
    qr_buf_release(&out);
    qr_buf_release(&pdf);
    qr_buf_release(&text);
}

/* Golden traces: tests/golden/typeset/NAME.txt laid out gives NAME.trace. */
static int S_make_trace(const char *name, const qr_buf *in, qr_buf *got)
{
    qr_doc *doc = qr_doc_new();
    qr_error err;
    qr_error_clear(&err);
    int rc = -1;
    if (qr_read_text(doc, name, in->ptr, in->len, QR_READ_FIRST, &err) < 0) {
        qt_fail(__FILE__, __LINE__, "%s: %s", name, err.msg);
        goto done;
    }
    qr_print_options o;
    qr_print_options_default(&o);
    o.fonts_dir = "fonts";
    qr_layout *lay = qr_typeset(doc, &o, &err);
    if (!lay) {
        qt_fail(__FILE__, __LINE__, "%s: %s", name, err.msg);
        goto done;
    }
    qr_trace_write(lay, got);
    qr_layout_stats_print(lay, got);
    qr_layout_free(lay);
    rc = 0;
done:
    qr_doc_free(doc);
    return rc;
}

/*
 * Character protrusion: on the seed, line-final full stops and hyphens
 * hang past the right edge of the text block by the table's amount (and
 * no word by more than its own), and with --break protrusion=0 none does.
 */
static void test_protrusion(void)
{
    qr_buf on = QR_BUF_INIT, off = QR_BUF_INIT;
    const char *src = "seeds/000_5b71d4f8b3bd2c5d.txt", *name = "who-hacked-sony.pdf";
    if (S_build("pdf-protrusion-on", src, name, &on, NULL) != 0 ||
        S_build("pdf-protrusion-off", src, name, &off, "--break=protrusion=0") != 0)
        goto done;
    int exact = 0;
    int hang = S_no_ink_past_edge_hang(on.ptr, 20 * 72 / 25.4, 16 * 72 / 25.4, 11, 1, &exact);
    if (hang < 3 || exact < 3)
        qt_fail(__FILE__, __LINE__,
                "%s: %d words hang past the edge, %d of them by their last "
                "character's amount (want 3 or more)",
                on.ptr, hang, exact);
    CHECK_INT_EQ(S_no_ink_past_edge_hang(off.ptr, 20 * 72 / 25.4, 16 * 72 / 25.4, 11, 0, NULL), 0);
done:
    qr_buf_release(&on);
    qr_buf_release(&off);
}

/* The text matrices (Tm) of a PDF's content whose x scale differs from
 * its y scale: glyphs drawn wider or narrower. Read through qpdf's
 * uncompressed QDF form. */
static int S_scaled_text(const char *pdf, double *widest)
{
    qr_buf qdf = QR_BUF_INIT, body = QR_BUF_INIT;
    qr_buf_addf(&qdf, "%s.qdf", pdf);
    const char *argv[] = {"qpdf", "--qdf", "--object-streams=disable", pdf, qdf.ptr, NULL};
    CHECK_INT_EQ(qt_run(argv, NULL, NULL, NULL), 0);
    int n = 0;
    *widest = 0;
    if (qt_read(qdf.ptr, &body) == 0) {
        for (const char *p = body.ptr; (p = strstr(p, " Tm")); p += 3) {
            const char *line = p;
            while (line > body.ptr && line[-1] != '\n')
                line--;
            double a, b, c, d;
            if (sscanf(line, "%lf %lf %lf %lf", &a, &b, &c, &d) == 4 && d != 0 &&
                fabs(fabs(a / d) - 1) > 1e-4) {
                n++;
                if (fabs(fabs(a / d) - 1) > *widest)
                    *widest = fabs(fabs(a / d) - 1);
            }
        }
    } else {
        qt_fail(__FILE__, __LINE__, "%s: cannot read it", qdf.ptr);
    }
    qr_buf_release(&qdf);
    qr_buf_release(&body);
    return n;
}

/*
 * Font expansion: on the seed, the PDF draws lines' glyphs scaled in x (a
 * text matrix whose x scale is not its y scale), by at most 2 %, and the
 * words still read back; with --break expansion=0 no glyph is scaled.
 */
static void test_expansion(void)
{
    qr_buf on = QR_BUF_INIT, off = QR_BUF_INIT, text = QR_BUF_INIT, src = QR_BUF_INIT;
    const char *seed = "seeds/000_5b71d4f8b3bd2c5d.txt", *name = "who-hacked-sony.pdf";
    if (S_build("pdf-expansion-on", seed, name, &on, NULL) != 0 ||
        S_build("pdf-expansion-off", seed, name, &off, "--break=expansion=0") != 0)
        goto done;
    double widest = 0;
    int scaled = S_scaled_text(on.ptr, &widest);
    if (scaled < 20 || widest > 0.02 + 1e-4)
        qt_fail(__FILE__, __LINE__, "%s: %d runs of glyphs scaled, by up to %.2f%%", on.ptr, scaled,
                100 * widest);
    CHECK_INT_EQ(S_scaled_text(off.ptr, &widest), 0);
    const char *pt[] = {"pdftotext", "-enc", "UTF-8", on.ptr, "-", NULL};
    CHECK_INT_EQ(qt_run(pt, NULL, &text, NULL), 0);
    CHECK_INT_EQ(qt_read(seed, &src), 0);
    char missing[512];
    long merged = 0;
    char merge[64] = "";
    if (S_words_in_pdf_text(src.ptr, src.len, text.ptr, text.len, missing, sizeof missing, &merged,
                            merge, sizeof merge, 0) < 0 ||
        merged > 0)
        qt_fail(__FILE__, __LINE__, "expanded text: %s %s", merged ? merge : missing,
                merged ? "(merged)" : "");
done:
    qr_buf_release(&on);
    qr_buf_release(&off);
    qr_buf_release(&text);
    qr_buf_release(&src);
}

static void test_golden_traces(void)
{
    CHECK(qt_golden("tests/golden/typeset", ".trace", S_make_trace) >= 3);
}

void suite_pdf(void)
{
    qt_case("pdf/golden-traces", test_golden_traces);
    qt_case("pdf/stats", test_stats);
    qt_case("pdf/print-options", test_print_options);
    qt_case("pdf/url-breaks", test_url_breaks);
    qt_case("pdf/lining-figures", test_lining_figures);
    qt_case("pdf/long-word", test_long_word);
    qt_case("pdf/protrusion", test_protrusion);
    qt_case("pdf/expansion", test_expansion);
    for (size_t i = 0; i < QR_ARRAY_LEN(books); i++) {
        char name[64];
        snprintf(name, sizeof name, "pdf/%s", books[i].name);
        current = &books[i];
        qt_case(name, test_pdf_book);
    }
}
