/*
 * e2e_pdf_rich.c: lists, code, tables, images, notes and links in the PDF.
 *
 * The fixture book tests/fixtures/pdf-rich (Markdown, two chapters, every
 * construct) is built with ./quire and checked with the tools a printer
 * would use: qpdf --check, pdfimages, qpdf --qdf for the link annotations,
 * qpdf --json for the outline, pdftotext per page for footnotes and table
 * headers, pdftotext -bbox for code lines and the right margin. A book of
 * many notes, built with the builder API, checks that every footnote
 * stands on the page of its call.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pdf/pdf.h"
#include "test.h"

#define FIXTURE "tests/fixtures/pdf-rich"

static const char *S_quire(void)
{
    const char *q = getenv("QUIRE");
    return q && *q ? q : "./quire";
}

/* Builds the fixture book's PDF once into tests/out/pdf-rich; its path in
 * pdf. Returns 0, or -1 after failing the case. */
static int S_fixture_pdf(qr_buf *pdf)
{
    static int built = 0;
    qr_buf dir = QR_BUF_INIT;
    if (!built) {
        qt_scratch("pdf-rich", &dir);
        const char *argv[] = {S_quire(), "build", "-q", "-f", "pdf", "-o", dir.ptr, FIXTURE, NULL};
        qr_buf err = QR_BUF_INIT;
        int rc = qt_run(argv, NULL, NULL, &err);
        if (rc != 0) {
            qt_fail(__FILE__, __LINE__, "quire build %s: exit %d: %s", FIXTURE, rc, err.ptr);
            qr_buf_release(&err);
            qr_buf_release(&dir);
            return -1;
        }
        qr_buf_release(&err);
        built = 1;
    } else {
        qr_buf_adds(&dir, "tests/out/pdf-rich");
    }
    qr_buf_reset(pdf);
    qr_buf_addf(pdf, "%s/the-keepers-almanac.pdf", dir.ptr);
    qr_buf_release(&dir);
    return 0;
}

/* The number of pages (pdfinfo). */
static int S_pages(const char *pdf)
{
    const char *argv[] = {"pdfinfo", pdf, NULL};
    qr_buf out = QR_BUF_INIT;
    qt_run(argv, NULL, &out, NULL);
    const char *p = strstr(out.ptr, "Pages:");
    int n = p ? atoi(p + 6) : 0;
    qr_buf_release(&out);
    return n;
}

/* The text of one page (pdftotext -f N -l N). */
static void S_page_text(const char *pdf, int page, qr_buf *out)
{
    char n[16];
    snprintf(n, sizeof n, "%d", page);
    const char *argv[] = {"pdftotext", "-enc", "UTF-8", "-f", n, "-l", n, pdf, "-", NULL};
    qr_buf_reset(out);
    qt_run(argv, NULL, out, NULL);
}

/* The text with every run of white space taken out. */
static void S_squeeze(const char *s, size_t len, qr_buf *out)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] != ' ' && s[i] != '\n' && s[i] != '\f' && s[i] != '\t')
            qr_buf_addc(out, s[i]);
}

static void test_qpdf_check(void)
{
    qr_buf pdf = QR_BUF_INIT, out = QR_BUF_INIT;
    if (S_fixture_pdf(&pdf) == 0) {
        const char *argv[] = {"qpdf", "--check", pdf.ptr, NULL};
        CHECK_INT_EQ(qt_run(argv, NULL, &out, NULL), 0);
        CHECK_CONTAINS(out.ptr, "No syntax or stream encoding errors");
        /* every font embedded: pdffonts's "emb" column says yes */
        const char *pf[] = {"pdffonts", pdf.ptr, NULL};
        qr_buf_reset(&out);
        CHECK_INT_EQ(qt_run(pf, NULL, &out, NULL), 0);
        CHECK_CONTAINS(out.ptr, "NotoSansMono");
        const char *line = strstr(out.ptr, "-----");
        for (line = line ? strchr(line, '\n') : NULL; line && line[1]; line = strchr(line + 1, '\n'))
            if (strstr(line + 1, " no ") && strstr(line + 1, " no ") < strchr(line + 1, '\n'))
                qt_fail(__FILE__, __LINE__, "a font not embedded: %.80s", line + 1);
    }
    qr_buf_release(&pdf);
    qr_buf_release(&out);
}

/* pdfimages -list: the PNG (with its alpha as a soft mask) and the JPEG,
 * the JPEG passed through as it is (DCT). */
static void test_images_embedded(void)
{
    qr_buf pdf = QR_BUF_INIT, out = QR_BUF_INIT;
    if (S_fixture_pdf(&pdf) == 0) {
        const char *argv[] = {"pdfimages", "-list", pdf.ptr, NULL};
        CHECK_INT_EQ(qt_run(argv, NULL, &out, NULL), 0);
        int images = 0, jpeg = 0, smask = 0;
        for (const char *l = strchr(out.ptr, '\n'); l; l = strchr(l + 1, '\n')) {
            if (strncmp(l + 1, "---", 3) == 0 || !l[1])
                continue;
            char kind[16] = "", enc[16] = "";
            int page, num, w, h;
            if (sscanf(l + 1, "%d %d %15s %d %d %*s %*s %*s %15s", &page, &num, kind, &w, &h,
                       enc) < 6)
                continue;
            if (strcmp(kind, "image") == 0) {
                images++;
                if (strcmp(enc, "jpeg") == 0 && w == 320 && h == 200)
                    jpeg++;
            } else if (strcmp(kind, "smask") == 0 && w == 240) {
                smask++;
            }
        }
        CHECK_INT_EQ(images, 2);
        CHECK_INT_EQ(jpeg, 1);
        CHECK_INT_EQ(smask, 1);
    }
    qr_buf_release(&pdf);
    qr_buf_release(&out);
}

/* The link annotations carry the manuscript's URIs (qpdf --qdf writes the
 * objects uncompressed). */
static void test_link_annotations(void)
{
    qr_buf pdf = QR_BUF_INIT, out = QR_BUF_INIT;
    if (S_fixture_pdf(&pdf) == 0) {
        const char *argv[] = {"qpdf", "--qdf", "--object-streams=disable", pdf.ptr, "-", NULL};
        CHECK_INT_EQ(qt_run(argv, NULL, &out, NULL), 0);
        CHECK_CONTAINS(out.ptr, "/URI (https://example.org/harbour?q=tide&day=3)");
        CHECK_CONTAINS(out.ptr, "/URI (mailto:keeper@example.org)");
        CHECK_CONTAINS(out.ptr, "/Subtype /Link");
    }
    qr_buf_release(&pdf);
    qr_buf_release(&out);
}

/* The depth at which a title stands in qpdf --json's outline tree: the
 * "kids" arrays open before it. */
static int S_outline_depth(const char *json, const char *title)
{
    char key[256];
    snprintf(key, sizeof key, "\"title\": \"%s\"", title);
    const char *at = strstr(json, key);
    const char *o = strstr(json, "\"outlines\"");
    if (!at || !o || o > at)
        return -1;
    int depth = 0;
    for (const char *p = o; p < at; p++) {
        if (*p == '"') { /* skip strings */
            for (p++; p < at && *p != '"'; p++)
                if (*p == '\\')
                    p++;
            continue;
        }
        if (*p == '[')
            depth++;
        else if (*p == ']')
            depth--;
    }
    return depth;
}

static void test_outline_nested(void)
{
    qr_buf pdf = QR_BUF_INIT, out = QR_BUF_INIT;
    if (S_fixture_pdf(&pdf) == 0) {
        const char *argv[] = {"qpdf", "--json", "--json-key=outlines", pdf.ptr, NULL};
        CHECK_INT_EQ(qt_run(argv, NULL, &out, NULL), 0);
        int ch = S_outline_depth(out.ptr, "Dawn at the Lighthouse");
        CHECK(ch >= 1);
        CHECK_INT_EQ(S_outline_depth(out.ptr, "The Ledger"), ch + 1);
        CHECK_INT_EQ(S_outline_depth(out.ptr, "Entries"), ch + 2);
        CHECK_INT_EQ(S_outline_depth(out.ptr, "Storm"), ch);
    }
    qr_buf_release(&pdf);
    qr_buf_release(&out);
}

/* Each note of the fixture on the page of its call. */
static void test_fixture_notes(void)
{
    static const struct {
        const char *call, *note;
    } notes[] = {
        {"tide_table.lookup()", "Tea, strong, with a little milk."},
        {"had posted the times", "The harbour office opens at six;"},
        {"The Ledger", "3 The keeper climbed"},
        {"40 March", "The storm of that March was the worst in forty years."},
    };
    qr_buf pdf = QR_BUF_INIT, text = QR_BUF_INIT;
    if (S_fixture_pdf(&pdf) == 0) {
        int pages = S_pages(pdf.ptr);
        CHECK(pages > 8);
        for (size_t k = 0; k < QR_ARRAY_LEN(notes); k++) {
            int call = 0, note = 0;
            for (int p = 1; p <= pages; p++) {
                S_page_text(pdf.ptr, p, &text);
                if (!call && strstr(text.ptr, notes[k].call))
                    call = p;
                if (!note && strstr(text.ptr, notes[k].note))
                    note = p;
            }
            if (call == 0 || call != note)
                qt_fail(__FILE__, __LINE__, "note \"%s\" on page %d, its call \"%s\" on page %d",
                        notes[k].note, note, notes[k].call, call);
        }
    }
    qr_buf_release(&pdf);
    qr_buf_release(&text);
}

/*
 * Column widths when a table is too wide for the measure: the narrow
 * columns keep their natural width and the one long cell wraps. (Shares
 * in proportion to the natural widths once gave the long column nearly
 * everything and broke "05:02" and "High water" in the others.)
 */
static void test_table_widths(void)
{
    qr_buf dir = QR_BUF_INIT, src = QR_BUF_INIT, pdf = QR_BUF_INIT, text = QR_BUF_INIT;
    qt_scratch("pdf-rich-widths", &dir);
    qr_buf_addf(&src, "%s/widths.md", dir.ptr);
    qr_buf md = QR_BUF_INIT;
    qr_buf_adds(&md, "# Widths\n\n| Date | High water | Height (m) | Low water | Note |\n"
                     "|:--|:--:|--:|:--:|:--|\n| 2 May | 05:02 | 5.4 | 11:14 | springs |\n"
                     "| 3 May | 05:52 | 5.2 | 12:04 | ");
    for (int i = 0; i < 12; i++)
        qr_buf_adds(&md, "a long remark about the weather and the state of the bar ");
    qr_buf_adds(&md, "|\n");
    CHECK_INT_EQ(qt_write(src.ptr, md.ptr, md.len), 0);
    const char *argv[] = {S_quire(), "build", "-q", "-f", "pdf", "-o", dir.ptr, src.ptr, NULL};
    CHECK_INT_EQ(qt_run(argv, NULL, NULL, NULL), 0);
    qr_buf_addf(&pdf, "%s/widths.pdf", dir.ptr);
    const char *pt[] = {"pdftotext", "-enc", "UTF-8", "-layout", pdf.ptr, "-", NULL};
    CHECK_INT_EQ(qt_run(pt, NULL, &text, NULL), 0);
    CHECK_CONTAINS(text.ptr, "High water");
    CHECK_CONTAINS(text.ptr, "Height (m)");
    CHECK_CONTAINS(text.ptr, "Low water");
    CHECK_CONTAINS(text.ptr, "05:02");
    CHECK_CONTAINS(text.ptr, "12:04");
    CHECK_CONTAINS(text.ptr, "2 May");
    qr_buf_release(&md);
    qr_buf_release(&dir);
    qr_buf_release(&src);
    qr_buf_release(&pdf);
    qr_buf_release(&text);
}

/* The table runs over pages: its header row heads each of them. */
static void test_table_header_repeated(void)
{
    qr_buf pdf = QR_BUF_INIT, text = QR_BUF_INIT;
    if (S_fixture_pdf(&pdf) == 0) {
        int pages = S_pages(pdf.ptr), with_rows = 0;
        for (int p = 1; p <= pages; p++) {
            S_page_text(pdf.ptr, p, &text);
            if (!strstr(text.ptr, " March"))
                continue;
            with_rows++;
            CHECK_CONTAINS(text.ptr, "High water");
            CHECK_CONTAINS(text.ptr, "Height");
            /* the header comes before the page's first row */
            const char *h = strstr(text.ptr, "Day"), *r = strstr(text.ptr, " March");
            CHECK(h && r && h < r);
        }
        CHECK(with_rows >= 2);
    }
    qr_buf_release(&pdf);
    qr_buf_release(&text);
}

/* Every word of the manuscripts' text in order (footnotes apart: each in
 * order on its own), code blocks character for character (white space
 * aside: a long line wraps). */
static void test_words_in_order(void)
{
    qr_buf pdf = QR_BUF_INIT, text = QR_BUF_INIT, out = QR_BUF_INIT;
    if (S_fixture_pdf(&pdf) != 0)
        goto done;
    const char *argv[] = {"pdftotext", "-enc", "UTF-8", pdf.ptr, "-", NULL};
    CHECK_INT_EQ(qt_run(argv, NULL, &out, NULL), 0);
    /* a word hyphenated at a line's end: its parts joined at the soft
     * hyphen (U+00AD), as copying does (font expansion may leave the
     * fixture none: pdf/long-word and tagged/seed hold that there are) */
    qt_join_soft_hyphens(&out);
    /* a word hyphenated at a line's end counts whole and as its parts */
    for (size_t i = 0; i < out.len; i++) {
        if (out.ptr[i] == '-' && i + 1 < out.len && out.ptr[i + 1] == '\n' && i > 0) {
            size_t s = i;
            while (s > 0 && qt_word_cp((unsigned char)out.ptr[s - 1]))
                s--;
            size_t e = i + 2;
            while (e < out.len && qt_word_cp((unsigned char)out.ptr[e]))
                e++;
            qr_buf_add(&text, out.ptr + i - (i - s), i - s);
            qr_buf_add(&text, out.ptr + i + 2, e - i - 2);
            qr_buf_addc(&text, ' ');
        }
    }
    qr_buf joined = QR_BUF_INIT;
    qr_buf_add(&joined, out.ptr, out.len);
    qr_buf_addc(&joined, ' ');
    qr_buf_add(&joined, text.ptr, text.len);
    static const char *files[] = {FIXTURE "/seeds/01-dawn.md", FIXTURE "/seeds/02-storm.md"};
    qr_buf src = QR_BUF_INIT, body = QR_BUF_INIT, code = QR_BUF_INIT, flat = QR_BUF_INIT;
    qr_buf table = QR_BUF_INIT, notes = QR_BUF_INIT;
    S_squeeze(out.ptr, out.len, &flat);
    for (size_t f = 0; f < QR_ARRAY_LEN(files); f++) {
        qr_buf_reset(&src);
        CHECK_INT_EQ(qt_read(files[f], &src), 0);
        /* the text the reader makes of it: prose lines, not markup */
        const char *s = src.ptr;
        int in_code = 0, in_front = 0;
        while (*s) {
            const char *e = strchr(s, '\n');
            size_t len = e ? (size_t)(e - s) : strlen(s);
            if (strncmp(s, "---", 3) == 0 && len == 3) {
                in_front = !in_front;
            } else if (strncmp(s, "```", 3) == 0) {
                in_code = !in_code;
            } else if (in_code) {
                qr_buf_reset(&code);
                S_squeeze(s, len, &code);
                if (code.len && !strstr(flat.ptr, code.ptr))
                    qt_fail(__FILE__, __LINE__, "code line missing: %.*s", (int)len, s);
            } else if (!in_front && s[0] == '|') {
                if (strncmp(s, "|--", 3) != 0 && strncmp(s, "|:-", 3) != 0) {
                    qr_buf_add(&table, s, len);
                    qr_buf_addc(&table, '\n');
                }
            } else if (!in_front && strncmp(s, "[^", 2) == 0) {
                /* a note's text: checked on its own */
                const char *t = strchr(s, ':');
                if (t && t < s + len) {
                    qr_buf_add(&notes, t + 1, (size_t)(s + len - t - 1));
                    qr_buf_adds(&notes, "\n\n");
                }
            } else if (!in_front && strncmp(s, "![", 2) != 0) {
                /* prose: drop note labels, link targets and markup */
                for (size_t i = 0; i < len; i++) {
                    if (s[i] == '[' && i + 1 < len && s[i + 1] == '^') {
                        while (i < len && s[i] != ']')
                            i++;
                        if (i + 1 < len && s[i + 1] == ':')
                            i++;
                        qr_buf_addc(&body, ' ');
                        continue;
                    }
                    if (s[i] == ']' && i + 1 < len && s[i + 1] == '(') {
                        while (i < len && s[i] != ')')
                            i++;
                        qr_buf_addc(&body, ' ');
                        continue;
                    }
                    qr_buf_addc(&body, s[i]);
                }
                qr_buf_addc(&body, '\n');
            }
            s += len + (e ? 1 : 0);
        }
    }
    char missing[128];
    long n = qt_words_in_order(body.ptr, body.len, joined.ptr, joined.len, missing, sizeof missing);
    if (n < 0)
        qt_fail(__FILE__, __LINE__, "not in the PDF's text in order: %s", missing);
    else
        CHECK(n > 600);
    /* each note, in order */
    for (const char *p = notes.ptr; *p;) {
        const char *e = strstr(p, "\n\n");
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (qt_words_in_order(p, len, joined.ptr, joined.len, missing, sizeof missing) < 0)
            qt_fail(__FILE__, __LINE__, "a note not in the PDF's text in order: %s", missing);
        p += len + (e ? 2 : 0);
    }
    /* the table row by row, as pdftotext -layout keeps its lines */
    const char *lay[] = {"pdftotext", "-layout", "-enc", "UTF-8", pdf.ptr, "-", NULL};
    qr_buf_reset(&out);
    CHECK_INT_EQ(qt_run(lay, NULL, &out, NULL), 0);
    n = qt_words_in_order(table.ptr, table.len, out.ptr, out.len, missing, sizeof missing);
    if (n < 0)
        qt_fail(__FILE__, __LINE__, "the table not in the PDF's text in order: %s", missing);
    else
        CHECK(n > 300);
    qr_buf_release(&src);
    qr_buf_release(&body);
    qr_buf_release(&code);
    qr_buf_release(&flat);
    qr_buf_release(&joined);
    qr_buf_release(&table);
    qr_buf_release(&notes);
done:
    qr_buf_release(&pdf);
    qr_buf_release(&text);
    qr_buf_release(&out);
}

/* A word box of pdftotext -bbox. */
typedef struct bword {
    int page;
    double x0, y0, x1, y1;
    char text[96];
} bword;

static bword *S_bbox(const char *pdf, size_t *n, double *page_w)
{
    const char *argv[] = {"pdftotext", "-bbox", pdf, "-", NULL};
    qr_buf out = QR_BUF_INIT;
    qt_run(argv, NULL, &out, NULL);
    size_t cap = 1024;
    bword *w = xmalloc(cap * sizeof *w);
    *n = 0;
    int page = 0;
    for (const char *p = out.ptr; (p = strchr(p, '<'));) {
        if (strncmp(p, "<page ", 6) == 0) {
            page++;
            const char *wd = strstr(p, "width=\"");
            if (wd)
                *page_w = atof(wd + 7);
        } else if (strncmp(p, "<word ", 6) == 0) {
            if (*n == cap)
                w = xrealloc(w, (cap *= 2) * sizeof *w);
            bword *b = &w[*n];
            b->page = page;
            b->x0 = atof(strstr(p, "xMin=\"") + 6);
            b->y0 = atof(strstr(p, "yMin=\"") + 6);
            b->x1 = atof(strstr(p, "xMax=\"") + 6);
            b->y1 = atof(strstr(p, "yMax=\"") + 6);
            const char *t = strchr(p, '>') + 1, *e = strchr(t, '<');
            snprintf(b->text, sizeof b->text, "%.*s", (int)(e - t), t);
            (*n)++;
        }
        p++;
    }
    qr_buf_release(&out);
    return w;
}

/* Code lines keep their spaces (the same gap between every word of a code
 * line: never justified) and no word of the book passes the right edge of
 * its text block, but by its last character's protrusion. */
static void test_code_and_margins(void)
{
    qr_buf pdf = QR_BUF_INIT;
    if (S_fixture_pdf(&pdf) != 0)
        return;
    size_t n = 0;
    double pw = 0;
    bword *w = S_bbox(pdf.ptr, &n, &pw);
    CHECK(n > 1000);
    qr_print_options o;
    qr_print_options_default(&o);
    for (size_t i = 0; i < n; i++) {
        /* rectos (odd pages) have the outer margin on the right */
        double edge = w[i].page % 2 ? pw - o.outer : pw - o.inner;
        double hang =
            qt_protrusion_right(qt_last_char(w[i].text, w[i].text + strlen(w[i].text)), o.font_size);
        if (w[i].x1 > edge + hang + 0.5)
            qt_fail(__FILE__, __LINE__, "page %d: \"%s\" ends at %.2f, past the edge %.2f",
                    w[i].page, w[i].text, w[i].x1, edge);
    }
    /* "return seconds / 10;", one turn every ten seconds */
    int checked = 0;
    for (size_t i = 0; i + 4 < n; i++) {
        if (strcmp(w[i].text, "return") != 0 || strcmp(w[i + 1].text, "seconds") != 0)
            continue;
        double gap = w[i + 1].x0 - w[i].x1;
        CHECK(gap > 4 && gap < 7); /* one space of the mono face at 9 pt */
        for (size_t k = i + 1; k + 1 < i + 8 && k + 1 < n && w[k + 1].y0 == w[i].y0; k++) {
            double g = w[k + 1].x0 - w[k].x1;
            if (fabs(g - gap) > 0.05)
                qt_fail(__FILE__, __LINE__, "code words \"%s\" \"%s\" %.2f apart, not %.2f",
                        w[k].text, w[k + 1].text, g, gap);
        }
        checked++;
    }
    CHECK_INT_EQ(checked, 1);
    /* the long identifier wraps: its continuation starts further in than
     * the line it continues */
    for (size_t i = 0; i + 1 < n; i++) {
        if (strncmp(w[i].text, "*very_long_identifier", 21) != 0)
            continue;
        CHECK(w[i + 1].y0 > w[i].y0 + 5);
        CHECK(w[i + 1].x0 > w[i - 2].x0 + 3); /* "const" began the line */
        checked++;
    }
    CHECK_INT_EQ(checked, 2);
    free(w);
    qr_buf_release(&pdf);
}

/* The trace shows the rich elements: rules, images, continuation marks,
 * link URIs, the mono face. */
static void test_trace(void)
{
    const char *argv[] = {S_quire(), "trace", FIXTURE, NULL};
    qr_buf out = QR_BUF_INIT, err = QR_BUF_INIT;
    CHECK_INT_EQ(qt_run(argv, NULL, &out, &err), 0);
    CHECK_CONTAINS(out.ptr, " image ");
    CHECK_CONTAINS(out.ptr, "images/compass.png");
    CHECK_CONTAINS(out.ptr, " rule ");
    CHECK_CONTAINS(out.ptr, " continued ");
    CHECK_CONTAINS(out.ptr, "uri https://example.org/harbour?q=tide&day=3");
    CHECK_CONTAINS(out.ptr, "Noto Sans Mono");
    CHECK_CONTAINS(out.ptr, "outline 3 page");
    qr_buf_release(&out);
    qr_buf_release(&err);
}

/* The copyright page stands on the title page's verso (page 4). */
static void test_copyright_page(void)
{
    qr_buf pdf = QR_BUF_INIT, text = QR_BUF_INIT;
    if (S_fixture_pdf(&pdf) == 0) {
        S_page_text(pdf.ptr, 3, &text);
        CHECK_CONTAINS(text.ptr, "The Keeper");
        S_page_text(pdf.ptr, 4, &text);
        CHECK_CONTAINS(text.ptr, "(c) 2026 Ada Quill");
        CHECK_CONTAINS(text.ptr, "Harbor Press");
        CHECK_CONTAINS(text.ptr, "2026-03-14");
        CHECK_CONTAINS(text.ptr, "ISBN 9780000000002");
        CHECK_CONTAINS(text.ptr, "Typeset with quire in EB Garamond");
    }
    qr_buf_release(&pdf);
    qr_buf_release(&text);
}

/* Where the trace of tests/fixtures/pdf-floats puts a word (its first
 * run) or an image (its path): page, x and y; page 0 when not found. */
typedef struct tplace {
    int page;
    double x, y;
} tplace;

static tplace S_trace_find(const char *trace, const char *what, int image)
{
    tplace t = {0, 0, 0};
    int page = 0;
    for (const char *l = trace; *l;) {
        const char *e = strchr(l, '\n');
        size_t len = e ? (size_t)(e - l) : strlen(l);
        char line[512];
        snprintf(line, sizeof line, "%.*s", (int)(len < sizeof line ? len : sizeof line - 1), l);
        double x, y;
        char rest[480];
        if (strncmp(line, "page ", 5) == 0) {
            page = atoi(line + 5);
        } else if (sscanf(line, " %lf %lf %479[^\n]", &x, &y, rest) == 3) {
            char want[128];
            if (image)
                snprintf(want, sizeof want, "image");
            else
                snprintf(want, sizeof want, "\"%s\"", what);
            const char *hit = strstr(rest, want);
            if (hit && (!image || strstr(rest, what)) && (image || !strstr(rest, "artifact"))) {
                t.page = page;
                t.x = x;
                t.y = y;
                return t;
            }
        }
        l += len + (e != NULL);
    }
    return t;
}

/* The lowest x and y of the body text (no artifacts, no images) on a page
 * of the trace. */
static void S_trace_page_extent(const char *trace, int want, double *min_x, double *min_y)
{
    int page = 0;
    *min_x = *min_y = 1e9;
    for (const char *l = trace; *l;) {
        const char *e = strchr(l, '\n');
        size_t len = e ? (size_t)(e - l) : strlen(l);
        char line[512];
        snprintf(line, sizeof line, "%.*s", (int)(len < sizeof line ? len : sizeof line - 1), l);
        double x, y;
        char rest[480];
        if (strncmp(line, "page ", 5) == 0) {
            page = atoi(line + 5);
        } else if (page == want && sscanf(line, " %lf %lf %479[^\n]", &x, &y, rest) == 3 &&
                   strchr(rest, '"') && !strstr(rest, "artifact") &&
                   strncmp(rest, "image", 5) != 0 && strncmp(rest, "EB Garamond Italic", 18) != 0) {
            if (x < *min_x)
                *min_x = x;
            if (y < *min_y)
                *min_y = y;
        }
        l += len + (e != NULL);
    }
}

/*
 * Floats (LaTeX's [tp]): in tests/fixtures/pdf-floats, the lamp does not
 * fit under the chapter's first paragraph, so the next paragraph (Bravo)
 * fills that page, indented, and the lamp tops the next page, above all
 * its text; the chart comes after it; the tower, as tall as a page, is
 * left waiting at the chapter's end and has a page of its own before the
 * next chapter.
 */
static void test_floats(void)
{
    const char *argv[] = {S_quire(), "trace", "tests/fixtures/pdf-floats", NULL};
    qr_buf out = QR_BUF_INIT, err = QR_BUF_INIT;
    CHECK_INT_EQ(qt_run(argv, NULL, &out, &err), 0);
    tplace alpha = S_trace_find(out.ptr, "Alpha", 0), bravo = S_trace_find(out.ptr, "Bravo", 0);
    tplace lamp = S_trace_find(out.ptr, "images/lamp.png", 1);
    tplace chart = S_trace_find(out.ptr, "images/chart.png", 1);
    tplace tower = S_trace_find(out.ptr, "images/tower.png", 1);
    tplace delta = S_trace_find(out.ptr, "Delta", 0), echo = S_trace_find(out.ptr, "Echo", 0);
    CHECK(alpha.page > 0 && bravo.page > 0 && lamp.page > 0 && chart.page > 0);
    CHECK(tower.page > 0 && delta.page > 0 && echo.page > 0);
    /* the text after the lamp fills the lamp's paragraph's page */
    CHECK_INT_EQ(bravo.page, alpha.page);
    CHECK_INT_EQ(lamp.page, alpha.page + 1);
    double min_x, min_y;
    S_trace_page_extent(out.ptr, lamp.page, &min_x, &min_y);
    if (min_y < lamp.y)
        qt_fail(__FILE__, __LINE__, "text at y %.2f above the floated figure at %.2f", min_y,
                lamp.y);
    /* the paragraph after a floated figure keeps its indent */
    S_trace_page_extent(out.ptr, bravo.page, &min_x, &min_y);
    if (bravo.x < min_x + 5)
        qt_fail(__FILE__, __LINE__, "the paragraph after the lamp is not indented (x %.2f, %.2f)",
                bravo.x, min_x);
    /* figures keep their order */
    CHECK(chart.page > lamp.page || (chart.page == lamp.page && chart.y > lamp.y));
    /* the tower: after the chapter's last text, alone, before the next */
    CHECK(tower.page > delta.page);
    CHECK(tower.page < echo.page);
    S_trace_page_extent(out.ptr, tower.page, &min_x, &min_y);
    if (min_y < 1e9)
        qt_fail(__FILE__, __LINE__, "text on the tower's own page %d", tower.page);
    /* --stats counts them */
    qr_buf dir = QR_BUF_INIT;
    qt_scratch("pdf-floats", &dir);
    const char *fixture = "tests/fixtures/pdf-floats";
    const char *sargv[] = {S_quire(), "build", "--stats", "-q",    "-f",
                           "pdf",     "-o",    dir.ptr,   fixture, NULL};
    qr_buf_reset(&out);
    qr_buf_reset(&err);
    CHECK_INT_EQ(qt_run(sargv, NULL, &out, &err), 0);
    qr_buf_release(&dir);
    if (!strstr(out.ptr, "figures floated to a later page: 2") &&
        !strstr(err.ptr, "figures floated to a later page: 2"))
        qt_fail(__FILE__, __LINE__, "--stats: %s%s", out.ptr, err.ptr);
    qr_buf_release(&out);
    qr_buf_release(&err);
}

/* Builder helpers. */
static void S_text(qr_builder *b, const char *s)
{
    qr_builder_text(b, s, strlen(s));
}

/* A new English book titled `title`, b inside its one chapter, after the
 * chapter's heading (the title again). */
static qr_doc *S_chapter_doc(const char *title, qr_builder *b)
{
    qr_doc *doc = qr_doc_new();
    qr_meta *m = qr_doc_meta(doc);
    m->title = title;
    m->language = "en";
    qr_builder_init(b, doc);
    qr_builder_enter(b, QR_NODE_CHAPTER);
    qr_builder_enter(b, QR_NODE_HEADING);
    S_text(b, title);
    qr_builder_leave(b);
    return doc;
}

/* doc typeset with the default options and the fonts of the tree; o must
 * outlive the layout. Fails the case when nothing is set. */
static qr_layout *S_typeset_default(qr_doc *doc, qr_print_options *o)
{
    qr_print_options_default(o);
    o->fonts_dir = "fonts";
    qr_error err;
    qr_error_clear(&err);
    qr_layout *lay = qr_typeset(doc, o, &err);
    if (!lay)
        qt_fail(__FILE__, __LINE__, "typeset: %s", err.msg);
    return lay;
}

/* The PDF of lay written to the scratch folder `scratch` as `file`: its
 * bytes in pdf, its path in path. */
static int S_write_scratch_pdf(qr_layout *lay, qr_doc *doc, const char *scratch, const char *file,
                               qr_buf *pdf, qr_buf *path)
{
    qr_error err;
    qr_error_clear(&err);
    if (qr_pdf_write(lay, doc, 0, pdf, &err) != 0) {
        qt_fail(__FILE__, __LINE__, "PDF: %s", err.msg);
        return -1;
    }
    qt_scratch(scratch, path);
    qr_buf_addf(path, "/%s", file);
    CHECK_INT_EQ(qt_write(path->ptr, pdf->ptr, pdf->len), 0);
    return 0;
}

/*
 * A chapter of many notes, short and long (one longer than a page), called
 * from paragraphs of every length: typeset, written, and each note's text
 * found on the page that calls it ("callN" ... "noteN").
 */
static void test_notes_on_their_pages(void)
{
    qr_builder b;
    qr_doc *doc = S_chapter_doc("Notes", &b);
    const char *filler = "The lamp was trimmed and the glass was wiped before the sun went down. ";
    const int n_notes = 40;
    unsigned seed = 7;
    for (int i = 1; i <= n_notes; i++) {
        qr_builder_enter(&b, QR_NODE_PARAGRAPH);
        seed = seed * 1103515245u + 12345u;
        int before = (int)(seed >> 16) % 9;
        for (int k = 0; k < before; k++)
            S_text(&b, filler);
        char w[64];
        snprintf(w, sizeof w, "call%c%c", 'a' + i / 26, 'a' + i % 26);
        S_text(&b, w);
        qr_builder_enter(&b, QR_NODE_NOTE);
        qr_builder_enter(&b, QR_NODE_PARAGRAPH);
        snprintf(w, sizeof w, "note%c%c says ", 'a' + i / 26, 'a' + i % 26);
        S_text(&b, w);
        int len = i == 17 ? 60 : (int)(seed >> 20) % 6; /* note 17: over a page */
        for (int k = 0; k < len; k++)
            S_text(&b, filler);
        if (i == 17)
            S_text(&b, "seventeenends");
        qr_builder_leave(&b);
        qr_builder_leave(&b);
        S_text(&b, " and so on. ");
        for (int k = 0; k < (int)(seed >> 24) % 4; k++)
            S_text(&b, filler);
        qr_builder_leave(&b);
    }
    qr_builder_leave(&b);
    qr_builder_finish(&b);

    qr_print_options o;
    qr_layout *lay = S_typeset_default(doc, &o);
    qr_buf pdf = QR_BUF_INIT, path = QR_BUF_INIT, text = QR_BUF_INIT;
    if (!lay || S_write_scratch_pdf(lay, doc, "pdf-rich-notes", "notes.pdf", &pdf, &path) != 0)
        goto done;
    int pages = (int)lay->n_pages;
    int *call = xcalloc((size_t)n_notes + 1, sizeof *call);
    int *note = xcalloc((size_t)n_notes + 1, sizeof *note);
    for (int p = 1; p <= pages; p++) {
        S_page_text(path.ptr, p, &text);
        for (int i = 1; i <= n_notes; i++) {
            char w[32];
            /* words of letters: the superscript number follows the call */
            snprintf(w, sizeof w, "call%c%c%d", 'a' + i / 26, 'a' + i % 26, i);
            if (!call[i] && strstr(text.ptr, w))
                call[i] = p;
            snprintf(w, sizeof w, "note%c%c says", 'a' + i / 26, 'a' + i % 26);
            if (!note[i] && strstr(text.ptr, w))
                note[i] = p;
        }
    }
    /* the long note goes on at the next page's foot: its last words are on
     * a later page than its first */
    int end17 = 0;
    for (int p = 1; p <= pages && !end17; p++) {
        S_page_text(path.ptr, p, &text);
        if (strstr(text.ptr, "seventeenends"))
            end17 = p;
    }
    CHECK(end17 > note[17]);
    for (int i = 1; i <= n_notes; i++) {
        /* notes called while the long one is still being set wait for it
         * (as TeX's do), and come as soon as it ends */
        if (i > 17 && call[i] >= note[17] && call[i] <= end17) {
            if (note[i] < end17 || note[i] > end17 + 1)
                qt_fail(__FILE__, __LINE__, "note %d on page %d, the long note ends on %d", i,
                        note[i], end17);
            continue;
        }
        if (!call[i] || call[i] != note[i])
            qt_fail(__FILE__, __LINE__, "note %d on page %d, its call on page %d", i, note[i],
                    call[i]);
    }
    free(call);
    free(note);
    qr_layout_free(lay);
done:
    qr_buf_release(&pdf);
    qr_buf_release(&path);
    qr_buf_release(&text);
    qr_doc_free(doc);
}

/*
 * Scene breaks between paragraphs of four lines or more (so two lines can
 * always go over with the ornament): no ornament heads a page, and each
 * has a line of space above and below it. (One left at a page's foot stays
 * there unless a paragraph re-broken takes it over: moving four lines or
 * more would end the page too early.)
 */
static void test_scene_breaks(void)
{
    qr_builder b;
    qr_doc *doc = S_chapter_doc("Breaks", &b);
    const char *filler = "The lamp was trimmed and the glass was wiped before the sun went down. ";
    unsigned seed = 11;
    for (int i = 0; i < 60; i++) {
        if (i > 0)
            qr_builder_enter(&b, QR_NODE_SCENE_BREAK); /* a leaf */
        qr_builder_enter(&b, QR_NODE_PARAGRAPH);
        seed = seed * 1103515245u + 12345u;
        int n = 6 + (int)(seed >> 16) % 10; /* 6-15 sentences: 4 lines or more */
        for (int k = 0; k < n; k++)
            S_text(&b, filler);
        qr_builder_leave(&b);
    }
    qr_builder_leave(&b);
    qr_builder_finish(&b);
    qr_print_options o;
    qr_layout *lay = S_typeset_default(doc, &o);
    int ornaments = 0;
    for (size_t p = 0; lay && p < lay->n_pages; p++) {
        const qr_page *pg = &lay->pages[p];
        double first = 1e9, last = -1e9;
        for (size_t k = 0; k < pg->n_runs; k++) {
            const qr_run *r = &pg->runs[k];
            if (r->body && r->y < first)
                first = r->y;
            if (r->body && r->y > last)
                last = r->y;
        }
        for (size_t k = 0; k < pg->n_runs; k++) {
            const qr_run *r = &pg->runs[k];
            const char *t = r->shape->text + r->b0;
            if (!r->artifact || (strncmp(t, "\xE2\x81\x82", 3) != 0 && t[0] != '*'))
                continue;
            ornaments++;
            if (r->y < first)
                qt_fail(__FILE__, __LINE__, "page %zu: the ornament at y %.2f heads the page",
                        p + 1, r->y);
            /* no body line within a line and a half of it */
            for (size_t q = 0; q < pg->n_runs; q++) {
                const qr_run *l = &pg->runs[q];
                if (l->body && fabs(l->y - r->y) < o.leading * 1.5)
                    qt_fail(__FILE__, __LINE__,
                            "page %zu: a line at y %.2f touches the ornament at %.2f", p + 1, l->y,
                            r->y);
            }
            while (k + 1 < pg->n_runs && pg->runs[k + 1].artifact && pg->runs[k + 1].y == r->y)
                k++;
        }
    }
    CHECK_INT_EQ(ornaments, 59);
    if (lay)
        qr_layout_free(lay);
    qr_doc_free(doc);
}

/* 10,000 nested block quotes and lists: no stack overflow, the indent
 * capped, every word still set inside the measure. */
static void test_deep_nesting(void)
{
    qr_doc *doc = qr_doc_new();
    qr_doc_meta(doc)->title = "Deep";
    qr_builder b;
    qr_builder_init(&b, doc);
    qr_builder_enter(&b, QR_NODE_CHAPTER);
    const int depth = 10000;
    for (int i = 0; i < depth; i++) {
        qr_node *n = qr_builder_enter(&b, i % 2 ? QR_NODE_BLOCK_QUOTE : QR_NODE_LIST);
        if (i % 2 == 0) {
            qr_node_set_list(n, 0, 1, 1);
            qr_builder_enter(&b, QR_NODE_LIST_ITEM);
        }
    }
    qr_builder_enter(&b, QR_NODE_PARAGRAPH);
    for (int i = 0; i < depth; i++) {
        qr_builder_enter(&b, i % 2 ? QR_NODE_EMPH : QR_NODE_STRIKE);
    }
    S_text(&b, "At the bottom of the well there is still room for a sentence of some length.");
    for (int i = 0; i < depth; i++)
        qr_builder_leave(&b);
    qr_builder_leave(&b);
    for (int i = 0; i < depth; i++) {
        if (i % 2 == 0)
            qr_builder_leave(&b);
        qr_builder_leave(&b);
    }
    qr_builder_leave(&b);
    qr_builder_finish(&b);
    qr_print_options o;
    qr_layout *lay = S_typeset_default(doc, &o);
    if (lay) {
        int found = 0;
        for (size_t p = 0; p < lay->n_pages; p++) {
            double min_x = o.page_w;
            for (size_t k = 0; k < lay->pages[p].n_runs; k++) {
                const qr_run *r = &lay->pages[p].runs[k];
                if (!r->body || r->artifact)
                    continue;
                found++;
                double left = p % 2 == 0 ? o.inner : o.outer;
                CHECK(r->x >= left - 0.01);
                if (r->x < min_x)
                    min_x = r->x;
            }
            /* the indent is capped: the lines begin in the page's left half */
            if (min_x < o.page_w && min_x >= o.page_w / 3)
                qt_fail(__FILE__, __LINE__, "page %zu: lines begin at x %.2f", p + 1, min_x);
        }
        CHECK(found > 0);
        qr_layout_free(lay);
    }
    qr_doc_free(doc);
}

/*
 * A chapter whose own heading calls a note ("TO THE EDITOR.[1]"), and a
 * paragraph that calls another: both notes are set, numbered in order, at
 * the foot of the opening page, the heading's first.
 */
static void test_heading_note(void)
{
    qr_doc *doc = qr_doc_new();
    qr_meta *m = qr_doc_meta(doc);
    m->title = "Letters";
    m->language = "en";
    qr_builder b;
    qr_builder_init(&b, doc);
    qr_builder_enter(&b, QR_NODE_CHAPTER);
    qr_builder_enter(&b, QR_NODE_HEADING);
    S_text(&b, "To the Editor");
    qr_builder_enter(&b, QR_NODE_NOTE);
    qr_builder_enter(&b, QR_NODE_PARAGRAPH);
    S_text(&b, "headnote the editor was the naturalist's cousin.");
    qr_builder_leave(&b);
    qr_builder_leave(&b);
    qr_builder_leave(&b);
    qr_builder_enter(&b, QR_NODE_PARAGRAPH);
    S_text(&b, "I send you the notes on the herons of the marsh");
    qr_builder_enter(&b, QR_NODE_NOTE);
    qr_builder_enter(&b, QR_NODE_PARAGRAPH);
    S_text(&b, "textnote counted from the hide.");
    qr_builder_leave(&b);
    qr_builder_leave(&b);
    S_text(&b, " and hope they serve.");
    qr_builder_leave(&b);
    qr_builder_leave(&b);
    qr_builder_finish(&b);

    qr_print_options o;
    qr_layout *lay = S_typeset_default(doc, &o);
    qr_buf pdf = QR_BUF_INIT, path = QR_BUF_INIT, text = QR_BUF_INIT;
    if (!lay || S_write_scratch_pdf(lay, doc, "pdf-rich-heading-note", "note.pdf", &pdf, &path) != 0)
        goto done;
    int found = 0;
    for (size_t p = 1; p <= lay->n_pages && !found; p++) {
        S_page_text(path.ptr, (int)p, &text);
        const char *h = strstr(text.ptr, "1 headnote the editor");
        const char *t = strstr(text.ptr, "2 textnote counted");
        if (h || t) {
            found = 1;
            CHECK(h != NULL);
            CHECK(t != NULL);
            CHECK(h && t && h < t);
            CHECK_CONTAINS(text.ptr, "Editor1");
        }
    }
    CHECK(found);
    qr_layout_free(lay);
done:
    qr_buf_release(&pdf);
    qr_buf_release(&path);
    qr_buf_release(&text);
    qr_doc_free(doc);
}

void suite_pdf_rich(void)
{
    qt_case("pdf-rich/qpdf-check", test_qpdf_check);
    qt_case("pdf-rich/heading-note", test_heading_note);
    qt_case("pdf-rich/images", test_images_embedded);
    qt_case("pdf-rich/links", test_link_annotations);
    qt_case("pdf-rich/outline", test_outline_nested);
    qt_case("pdf-rich/fixture-notes", test_fixture_notes);
    qt_case("pdf-rich/table-header", test_table_header_repeated);
    qt_case("pdf-rich/table-widths", test_table_widths);
    qt_case("pdf-rich/words", test_words_in_order);
    qt_case("pdf-rich/code-and-margins", test_code_and_margins);
    qt_case("pdf-rich/trace", test_trace);
    qt_case("pdf-rich/floats", test_floats);
    qt_case("pdf-rich/copyright-page", test_copyright_page);
    qt_case("pdf-rich/notes-on-their-pages", test_notes_on_their_pages);
    qt_case("pdf-rich/deep-nesting", test_deep_nesting);
    qt_case("pdf-rich/scene-breaks", test_scene_breaks);
}
