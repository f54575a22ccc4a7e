/*
 * e2e_pdf.c: the PDF edition, checked with the tools a printer or a reader
 * would use: qpdf --check clean, every font embedded (pdffonts), every word
 * of the source in the text pdftotext extracts, in order, no word past the
 * text block's edge (pdftotext -bbox), the metadata (pdfinfo), the same
 * bytes when built again; and golden traces of the layout for small
 * fixtures (tests/golden/typeset/).
 */
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
    while (i < len) {
        uint32_t c;
        int k = qr_utf8_decode(s + i, len - i, &c);
        if (!qt_word_cp(c)) {
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
        w[*n].hyphen_after = i < len && s[i] == '-';
        w[*n].line_end =
            w[*n].hyphen_after && i + 1 < len && (s[i + 1] == '\n' || s[i + 1] == '\f');
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

/*
 * Every source word in the text, in order. The text may hold more words
 * (running heads, folios) and joins hyphenated line ends, so a compound
 * "well-known" broken at its hyphen reads "wellknown"; a word split over
 * a page break reads "exam-" ... "ple".
 */
static long S_words_in_pdf_text(const char *src, size_t src_len, const char *text, size_t text_len,
                                char *missing, size_t msize)
{
    size_t ns, nt;
    word *sw = S_words(src, src_len, &ns);
    word *tw = S_words(text, text_len, &nt);
    size_t i = 0, j = 0;
    long matched = 0;
    qr_buf joined = QR_BUF_INIT;
    while (i < ns) {
        size_t j0 = j;
        int ok = 0;
        for (; j < nt; j++) {
            if (S_eq(sw[i].s, sw[i].len, tw[j].s, tw[j].len)) {
                i++, j++, ok = 1;
                break;
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
            if (tw[j].len >= 2 && tw[j].len < sw[i].len &&
                strncasecmp(sw[i].s, tw[j].s, tw[j].len) == 0) {
                const char *rest = sw[i].s + tw[j].len;
                size_t rl = sw[i].len - tw[j].len;
                size_t k = j + 1;
                for (; k < nt && k < j + 40; k++)
                    if (S_eq(rest, rl, tw[k].s, tw[k].len))
                        break;
                if (k < nt && k < j + 40) {
                    i++, j = k + 1, ok = 1;
                    break;
                }
            }
        }
        if (!ok) {
            snprintf(missing, msize, "%.*s (source word %zu; text searched from word %zu: %.*s)",
                     (int)(sw[i].len > 40 ? 40 : sw[i].len), sw[i].s, i + 1, j0 + 1,
                     j0 < nt ? (int)(tw[j0].len > 40 ? 40 : tw[j0].len) : 0,
                     j0 < nt ? tw[j0].s : "");
            matched = -1;
            break;
        }
        matched++;
    }
    qr_buf_release(&joined);
    free(sw);
    free(tw);
    return matched;
}

long qt_words_in_pdf_text(const char *src, size_t src_len, const char *text, size_t text_len,
                          char *missing, size_t msize)
{
    return S_words_in_pdf_text(src, src_len, text, text_len, missing, msize);
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

/* pdftotext -bbox: no word beyond the text block's right edge. */
static void S_no_ink_past_edge(const char *pdf, double inner, double outer)
{
    const char *argv[] = {"pdftotext", "-bbox", pdf, "-", NULL};
    qr_buf out = QR_BUF_INIT;
    CHECK_INT_EQ(qt_run(argv, NULL, &out, NULL), 0);
    int page = 0, words = 0, past = 0;
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
            words++;
            if (xmax > right + 0.5) {
                past++;
                if (xmax - right > worst)
                    worst = xmax - right;
            }
        }
    }
    if (words == 0 || past > 0)
        qt_fail(__FILE__, __LINE__, "%s: %d of %d words end past the text block (by up to %.2f pt)",
                pdf, past, words, worst);
    qr_buf_release(&out);
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
} books[] = {
    {"seed",
     "seeds/000_5b71d4f8b3bd2c5d.txt",
     "who-hacked-sony.pdf",
     {"Title:           Who Hacked Sony?", "Creator:         quire "}},
    {"moby-dick",
     "tests/corpus/moby-dick.txt",
     "moby-dick-or-the-whale.pdf",
     {"Title:           Moby Dick; or The Whale", "Author:          Herman Melville",
      "Tagged:          yes"}},
    {"japanese",
     "tests/corpus/kasei-no-kioku-ja.txt",
     "kasei-no-kioku-the-memory-of-mars.pdf",
     {"Author:          Raymond F. Jones"}},
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
    const char *pi[] = {"pdfinfo", pdf.ptr, NULL};
    qt_run(pi, NULL, &info, NULL);
    for (size_t k = 0; k < QR_ARRAY_LEN(bc->info) && bc->info[k]; k++)
        CHECK_CONTAINS(info.ptr, bc->info[k]);
    /* every word of the source, in order, in the text pdftotext gets */
    const char *pt[] = {"pdftotext", "-enc", "UTF-8", pdf.ptr, "-", NULL};
    CHECK_INT_EQ(qt_run(pt, NULL, &text, NULL), 0);
    CHECK_INT_EQ(qt_read(bc->src, &src), 0);
    char missing[512];
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
    if (contents && (size_t)(contents - src.ptr) < split + 8000) {
        long n = S_words_in_pdf_text(src.ptr + split, (size_t)(contents - src.ptr) - split,
                                     text.ptr, text.len, missing, sizeof missing);
        if (n < 0)
            qt_fail(__FILE__, __LINE__, "%s (front): %s", bc->src, missing);
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
    long n = S_words_in_pdf_text(src.ptr + from, src.len - from, text.ptr, text.len, missing,
                                 sizeof missing);
    if (n < 0)
        qt_fail(__FILE__, __LINE__, "%s: a word is missing or out of order: %s", bc->src, missing);
    if (split &&
        S_words_in_pdf_text(src.ptr, split, text.ptr, text.len, missing, sizeof missing) < 0)
        qt_fail(__FILE__, __LINE__, "%s (header): %s", bc->src, missing);
    if (qt_verbose())
        fprintf(stderr, "  %s: %ld words in order\n", bc->src, n);
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
    S_no_ink_past_edge(pdf.ptr, 0.75 * 72, 0.5 * 72);
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
    CHECK_INT_EQ(qt_run(font, NULL, NULL, &err), 65);
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
    char missing[512];
    if (S_words_in_pdf_text(src.ptr, src.len, text.ptr, text.len, missing, sizeof missing) < 0)
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

static void test_golden_traces(void)
{
    CHECK(qt_golden("tests/golden/typeset", ".trace", S_make_trace) >= 3);
}

void suite_pdf(void)
{
    qt_case("pdf/golden-traces", test_golden_traces);
    qt_case("pdf/stats", test_stats);
    qt_case("pdf/print-options", test_print_options);
    qt_case("pdf/long-word", test_long_word);
    for (size_t i = 0; i < QR_ARRAY_LEN(books); i++) {
        char name[64];
        snprintf(name, sizeof name, "pdf/%s", books[i].name);
        current = &books[i];
        qt_case(name, test_pdf_book);
    }
}
