/*
 * e2e_rich.c: the fixture book that uses every element (tests/fixtures/rich,
 * with its own book.yaml), built in both formats as a user would: the
 * EPUB valid, the metadata in the OPF and in the PDF, every footnote on
 * the PDF page of its call, the images in both, raw HTML never markup.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>

#include "test.h"

#define RICH "tests/fixtures/rich"
#define RICH_OUT "tests/out/rich"
#define RICH_EPUB RICH_OUT "/the-cartographers-notebook.epub"
#define RICH_PDF RICH_OUT "/the-cartographers-notebook.pdf"

static const char *S_quire(void)
{
    const char *q = getenv("QUIRE");
    return q && *q ? q : "./quire";
}

/* Builds the fixture book once; 0, or -1 after failing the case. */
static int S_built(void)
{
    static int state = 0; /* 0 not yet, 1 built, -1 failed */
    if (state == 0) {
        qr_buf dir = QR_BUF_INIT, err = QR_BUF_INIT;
        qt_scratch("rich", &dir);
        const char *argv[] = {S_quire(), "build", "-q", "-o", dir.ptr, RICH, NULL};
        int rc = qt_run(argv, NULL, NULL, &err);
        state = rc == 0 ? 1 : -1;
        if (rc != 0)
            qt_fail(__FILE__, __LINE__, "quire build %s: exit %d: %s", RICH, rc, err.ptr);
        qr_buf_release(&dir);
        qr_buf_release(&err);
    } else if (state < 0) {
        qt_fail(__FILE__, __LINE__, "the fixture book did not build");
    }
    return state > 0 ? 0 : -1;
}

/* Lower-case letters and digits of s, nothing else: text compared this way
 * ignores line breaks, hyphenation, typography and markup. */
static void S_alnum(const char *s, size_t len, qr_buf *out)
{
    qr_buf_reset(out);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (isalnum(c))
            qr_buf_addc(out, (char)tolower(c));
    }
    if (!out->ptr)
        qr_buf_adds(out, "");
}

static int S_pages(const char *pdf)
{
    const char *argv[] = {"pdfinfo", pdf, NULL};
    qr_buf out = QR_BUF_INIT;
    qt_run(argv, NULL, &out, NULL);
    const char *p = out.ptr ? strstr(out.ptr, "Pages:") : NULL;
    int n = p ? atoi(p + 6) : 0;
    qr_buf_release(&out);
    return n;
}

static void test_epubcheck(void)
{
    if (S_built() == 0)
        qt_epubcheck(RICH_EPUB);
}

/* Every key of book.yaml reaches the OPF, and the PDF's document info. */
static void test_metadata(void)
{
    if (S_built() < 0)
        return;
    qr_buf opf = QR_BUF_INIT, info = QR_BUF_INIT;
    CHECK_INT_EQ(qt_epub_entry(RICH_EPUB, "EPUB/package.opf", &opf), 0);
    static const char *const in_opf[] = {
        "The Cartographer’s Notebook", "On Maps, Tides and Measured Things",
        ">Mara Ellison<", ">Tomas Brandt<", ">edt<", ">Ilse Varga<", ">ill<",
        "urn:isbn:9783161484100", ">Fathom Press<", ">2026-05-02<",
        "(c) 2026 Mara Ellison. Some rights reserved.",
        "Four essays on how coasts are measured, drawn and remembered.", ">cartography<",
        ">tides<", ">surveying<", "belongs-to-collection", ">Field Notes<", ">3<",
        "cover-image"};
    for (size_t i = 0; i < QR_ARRAY_LEN(in_opf); i++)
        CHECK_CONTAINS(opf.ptr, in_opf[i]);
    const char *argv[] = {"pdfinfo", "-enc", "UTF-8", RICH_PDF, NULL};
    CHECK_INT_EQ(qt_run(argv, NULL, &info, NULL), 0);
    CHECK_CONTAINS(info.ptr, "The Cartographer’s Notebook");
    CHECK_CONTAINS(info.ptr, "Mara Ellison");
    CHECK_CONTAINS(info.ptr, "cartography");
    qr_buf_release(&opf);
    qr_buf_release(&info);
}

/* A footnote reference in a manuscript: the words before it and the
 * first words of its note, as letters and digits. */
typedef struct ref {
    char label[64];
    qr_buf call, note;
} ref;

/* The last `n` words of [s, end), letters and digits only. */
static void S_last_words(const char *s, const char *end, int n, qr_buf *out)
{
    const char *p = end;
    while (p > s && n > 0) {
        while (p > s && isspace((unsigned char)p[-1]))
            p--;
        while (p > s && !isspace((unsigned char)p[-1]))
            p--;
        n--;
    }
    S_alnum(p, (size_t)(end - p), out);
}

/* The first `n` words from s (to the end of its paragraph). */
static void S_first_words(const char *s, int n, qr_buf *out)
{
    const char *p = s;
    while (*p && n > 0) {
        while (*p == ' ' || *p == '\n')
            p++;
        while (*p && !isspace((unsigned char)*p))
            p++;
        n--;
    }
    S_alnum(s, (size_t)(p - s), out);
}

/* Every footnote's text is on the PDF page that calls it. */
static void test_notes_on_their_pages(void)
{
    if (S_built() < 0)
        return;
    static const char *const files[] = {"01-soundings.md", "02-instruments.md", "03-tides.md",
                                        "04-harbour.md"};
    ref refs[64];
    int n = 0;
    qr_buf src = QR_BUF_INIT, path = QR_BUF_INIT;
    for (size_t f = 0; f < QR_ARRAY_LEN(files); f++) {
        qr_buf_reset(&src);
        qr_buf_reset(&path);
        qr_buf_addf(&path, "%s/seeds/%s", RICH, files[f]);
        CHECK_INT_EQ(qt_read(path.ptr, &src), 0);
        const char *s = src.ptr;
        for (const char *p = s; (p = strstr(p, "[^")) != NULL; p += 2) {
            const char *close = strchr(p, ']');
            if (!close || close[1] == ':' || close - p - 2 >= 63 || n == 64)
                continue;
            ref *r = &refs[n++];
            memset(r, 0, sizeof *r);
            memcpy(r->label, p + 2, (size_t)(close - p - 2));
            const char *line = p;
            while (line > s && line[-1] != '\n')
                line--;
            S_last_words(line > s + 200 ? line : s, p, 4, &r->call);
            char def[80];
            snprintf(def, sizeof def, "[^%s]:", r->label);
            const char *d = strstr(s, def);
            if (d)
                S_first_words(d + strlen(def), 6, &r->note);
            else
                qt_fail(__FILE__, __LINE__, "no definition for [^%s]", r->label);
        }
    }
    CHECK(n >= 8);
    int pages = S_pages(RICH_PDF);
    CHECK(pages > 8);
    int call_page[64] = {0}, note_page[64] = {0};
    qr_buf text = QR_BUF_INIT, flat = QR_BUF_INIT;
    char num[16];
    for (int pg = 1; pg <= pages; pg++) {
        snprintf(num, sizeof num, "%d", pg);
        const char *argv[] = {"pdftotext", "-enc", "UTF-8", "-f", num, "-l", num, RICH_PDF, "-", NULL};
        qr_buf_reset(&text);
        qt_run(argv, NULL, &text, NULL);
        S_alnum(text.ptr ? text.ptr : "", text.len, &flat);
        for (int i = 0; i < n; i++) {
            if (!call_page[i] && refs[i].call.len && strstr(flat.ptr, refs[i].call.ptr))
                call_page[i] = pg;
            if (!note_page[i] && refs[i].note.len && strstr(flat.ptr, refs[i].note.ptr))
                note_page[i] = pg;
        }
    }
    for (int i = 0; i < n; i++) {
        if (call_page[i] == 0 || call_page[i] != note_page[i])
            qt_fail(__FILE__, __LINE__, "[^%s]: called on page %d (\"%s\"), its note on page %d",
                    refs[i].label, call_page[i], refs[i].call.ptr, note_page[i]);
        qr_buf_release(&refs[i].call);
        qr_buf_release(&refs[i].note);
    }
    qr_buf_release(&src);
    qr_buf_release(&path);
    qr_buf_release(&text);
    qr_buf_release(&flat);
}

/* The images are in both editions: files in the EPUB, image XObjects in
 * the PDF (the cover, and each figure once). */
static void test_images(void)
{
    if (S_built() < 0)
        return;
    qr_buf out = QR_BUF_INIT;
    const char *unzip[] = {"unzip", "-Z1", RICH_EPUB, NULL};
    CHECK_INT_EQ(qt_run(unzip, NULL, &out, NULL), 0);
    static const char *const images[] = {"compass", "chart", "harbour", "cover"};
    for (size_t i = 0; i < QR_ARRAY_LEN(images); i++)
        CHECK_CONTAINS(out.ptr, images[i]);
    qr_buf_reset(&out);
    const char *list[] = {"pdfimages", "-list", RICH_PDF, NULL};
    CHECK_INT_EQ(qt_run(list, NULL, &out, NULL), 0);
    int rows = 0;
    for (const char *p = out.ptr; p && (p = strstr(p, " image ")) != NULL; p++)
        rows++;
    CHECK(rows >= 4); /* cover.jpg, compass.png, chart.png, harbour.jpg */
    CHECK_CONTAINS(out.ptr, " jpeg ");
    qr_buf_release(&out);
}

/* Raw HTML in a manuscript never reaches the EPUB as markup. */
static void test_raw_html(void)
{
    qr_buf dir = QR_BUF_INIT, path = QR_BUF_INIT, err = QR_BUF_INIT, xhtml = QR_BUF_INIT;
    qt_scratch("rich-html", &dir);
    qr_buf_addf(&path, "%s/page.md", dir.ptr);
    static const char md[] = "# Page\n\nBefore <script>alert(1)</script> after.\n\n"
                             "<div onclick=\"x()\"><img src=\"http://example.com/t.png\"></div>\n";
    CHECK_INT_EQ(qt_write(path.ptr, md, sizeof md - 1), 0);
    const char *argv[] = {S_quire(), "build", "-f", "epub", "-o", dir.ptr, path.ptr, NULL};
    CHECK_INT_EQ(qt_run(argv, NULL, NULL, &err), 0);
    CHECK_CONTAINS(err.ptr, "warning: raw HTML");
    qr_buf_reset(&path);
    qr_buf_addf(&path, "%s/page.epub", dir.ptr);
    CHECK_INT_EQ(qt_epub_entry(path.ptr, "EPUB/text/chapter-001.xhtml", &xhtml), 0);
    CHECK_CONTAINS(xhtml.ptr, "&lt;script&gt;alert(1)&lt;/script&gt;");
    CHECK(!strstr(xhtml.ptr, "<script"));
    CHECK(!strstr(xhtml.ptr, "onclick=\""));
    CHECK(!strstr(xhtml.ptr, "src=\"http"));
    qt_epubcheck(path.ptr);
    qr_buf_release(&dir);
    qr_buf_release(&path);
    qr_buf_release(&err);
    qr_buf_release(&xhtml);
}

void suite_rich(void)
{
    qt_case("rich/epubcheck", test_epubcheck);
    qt_case("rich/metadata", test_metadata);
    qt_case("rich/notes-on-their-pages", test_notes_on_their_pages);
    qt_case("rich/images", test_images);
    qt_case("rich/raw-html", test_raw_html);
}
