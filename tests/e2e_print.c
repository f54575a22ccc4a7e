/*
 * e2e_print.c: the print-on-demand edition (--print pod), read back with
 * the tools a print service's preflight would use: qpdf (--check, and
 * --json for the boxes, the output intent and PDF/X's identification),
 * Ghostscript rendering every page without a word on stderr, poppler's
 * pdfimages (every image grey) and pdfinfo (the cover's size against the
 * spine's formula), and quire's own check-print on files that are and are
 * not ready.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <libxml/parser.h>
#include <sys/stat.h>

#include "test.h"

static const char *S_quire(void)
{
    const char *q = getenv("QUIRE");
    return q && *q ? q : "./quire";
}

/* Runs a tool that must exist: a tool that did not run fails the test. */
static int S_tool(const char *const argv[], qr_buf *out, qr_buf *err)
{
    int rc = qt_run(argv, NULL, out, err);
    if (rc == 127)
        qt_fail(__FILE__, __LINE__, "%s did not run (is it installed?)", argv[0]);
    return rc;
}

static size_t S_count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

static int S_pages(const char *pdf)
{
    const char *argv[] = {"pdfinfo", pdf, NULL};
    qr_buf out = QR_BUF_INIT, err = QR_BUF_INIT;
    int n = -1;
    if (S_tool(argv, &out, &err) == 0) {
        const char *p = strstr(out.ptr, "\nPages:");
        if (p)
            n = atoi(p + 7);
    }
    qr_buf_release(&out);
    qr_buf_release(&err);
    return n;
}

/* The first page's size in points from pdfinfo. */
static void S_page_size(const char *pdf, double *w, double *h)
{
    const char *argv[] = {"pdfinfo", pdf, NULL};
    qr_buf out = QR_BUF_INIT, err = QR_BUF_INIT;
    *w = *h = -1;
    if (S_tool(argv, &out, &err) == 0) {
        const char *p = strstr(out.ptr, "Page size:");
        if (p)
            sscanf(p + 10, "%lf x %lf", w, h);
    }
    qr_buf_release(&out);
    qr_buf_release(&err);
}

/* What a print service's preflight reads: qpdf's check and its JSON. */
static void S_preflight(const char *pdf, int pages, int cover)
{
    qr_buf out = QR_BUF_INIT, err = QR_BUF_INIT;
    const char *check[] = {"qpdf", "--check", pdf, NULL};
    int rc = S_tool(check, &out, &err);
    if (rc != 0 || !strstr(out.ptr, "No syntax or stream encoding errors found"))
        qt_fail(__FILE__, __LINE__, "qpdf --check %s: exit %d\n%s%s", pdf, rc, out.ptr, err.ptr);
    qr_buf_reset(&out);
    qr_buf_reset(&err);
    const char *json[] = {"qpdf", "--json", "--json-key=qpdf", pdf, NULL};
    rc = S_tool(json, &out, &err);
    CHECK_INT_EQ(rc, 0);
    /* qpdf lists the newest version of each object: every page has its
     * boxes, none has links, and the catalog its intent */
    CHECK_INT_EQ(S_count(out.ptr, "\"/Type\": \"/Page\""), pages);
    CHECK_INT_EQ(S_count(out.ptr, "\"/TrimBox\": ["), pages);
    CHECK_INT_EQ(S_count(out.ptr, "\"/BleedBox\": ["), pages);
    CHECK_INT_EQ(S_count(out.ptr, "\"/MediaBox\": ["), pages);
    CHECK_INT_EQ(S_count(out.ptr, "\"/Annots\""), 0);
    CHECK_CONTAINS(out.ptr, "\"/GTS_PDFXVersion\": \"u:PDF/X-4\"");
    CHECK_CONTAINS(out.ptr, "\"/S\": \"/GTS_PDFX\"");
    CHECK_CONTAINS(out.ptr, "\"/DestOutputProfile\": \"");
    CHECK_CONTAINS(out.ptr, "\"/Trapped\": \"/False\"");
    CHECK_CONTAINS(out.ptr, "\"/Version\": \"/1.6\"");
    CHECK(!strstr(out.ptr, "/DeviceRGB"));
    qr_buf_reset(&out);
    qr_buf_reset(&err);
    /* poppler: the cover's trim is its sheet less 0.125 in all round */
    const char *box[] = {"pdfinfo", "-box", pdf, NULL};
    CHECK_INT_EQ(S_tool(box, &out, &err), 0);
    double mw, mh, t0, t1, t2, t3;
    const char *m = strstr(out.ptr, "MediaBox:"), *t = strstr(out.ptr, "TrimBox:");
    CHECK(m && t);
    if (m && t && sscanf(m + 9, "%*f %*f %lf %lf", &mw, &mh) == 2 &&
        sscanf(t + 8, "%lf %lf %lf %lf", &t0, &t1, &t2, &t3) == 4) {
        double b = cover ? 9.0 : 0.0;
        CHECK(fabs(t0 - b) < 0.01 && fabs(t1 - b) < 0.01);
        CHECK(fabs(t2 - (mw - b)) < 0.01 && fabs(t3 - (mh - b)) < 0.01);
    }
    qr_buf_reset(&out);
    qr_buf_reset(&err);
    /* Ghostscript renders it all without a complaint */
    const char *gs[] = {"gs", "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-r36",
                        "-sDEVICE=png16m", "-o", "/dev/null", pdf, NULL};
    rc = S_tool(gs, &out, &err);
    if (rc != 0 || err.len || out.len)
        qt_fail(__FILE__, __LINE__, "gs %s: exit %d\n%s%s", pdf, rc, out.ptr, err.ptr);
    qr_buf_reset(&out);
    qr_buf_reset(&err);
    /* every image in grey */
    const char *img[] = {"pdfimages", "-list", pdf, NULL};
    CHECK_INT_EQ(S_tool(img, &out, &err), 0);
    const char *line = strchr(out.ptr, '\n');
    line = line ? strchr(line + 1, '\n') : NULL; /* past the two header lines */
    for (; line && line[1]; line = strchr(line + 1, '\n')) {
        char type[32] = "", color[32] = "";
        if (sscanf(line + 1, "%*d %*d %31s %*d %*d %31s", type, color) == 2 &&
            strcmp(type, "smask") != 0 && strcmp(color, "gray") != 0)
            qt_fail(__FILE__, __LINE__, "%s: an image in %s: %.80s", pdf, color, line + 1);
    }
    /* the XMP packet: well-formed, with PDF/X's identification */
    const char *meta[] = {"pdfinfo", "-meta", pdf, NULL};
    qr_buf_reset(&out);
    CHECK_INT_EQ(S_tool(meta, &out, &err), 0);
    CHECK_CONTAINS(out.ptr, "<pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>");
    CHECK_CONTAINS(out.ptr, "<xmpMM:DocumentID>uuid:");
    xmlDocPtr doc = xmlReadMemory(out.ptr, (int)out.len, "xmp.xml", NULL, XML_PARSE_NONET);
    CHECK(doc != NULL);
    xmlFreeDoc(doc);
    /* quire's own preflight */
    const char *qc[] = {S_quire(), "check-print", pdf, NULL};
    qr_buf_reset(&out);
    qr_buf_reset(&err);
    rc = qt_run(qc, NULL, &out, &err);
    if (rc != 0)
        qt_fail(__FILE__, __LINE__, "check-print %s: exit %d\n%s", pdf, rc, err.ptr);
    CHECK_CONTAINS(out.ptr, "ready for print");
    qr_buf_release(&out);
    qr_buf_release(&err);
}

static int S_build(const char *dir, const char *out_dir, const char *extra, qr_buf *err)
{
    const char *argv[] = {S_quire(), "build", "--print", "pod", "-f", "pdf", "-o", out_dir,
                          dir, extra, NULL};
    if (!extra)
        argv[9] = NULL;
    qr_buf out = QR_BUF_INIT;
    int rc = qt_run(argv, NULL, &out, err);
    qr_buf_release(&out);
    return rc;
}

static void test_rich_interior_and_cover(void)
{
    qr_buf dir = QR_BUF_INIT, err = QR_BUF_INIT, a = QR_BUF_INIT, b = QR_BUF_INIT;
    qt_scratch("print-rich", &dir);
    int rc = S_build("tests/fixtures/rich", dir.ptr, NULL, &err);
    CHECK_INT_EQ(rc, 0);
    /* figures and the cover image are 150 and 101 dpi where printed: named */
    CHECK_CONTAINS(err.ptr, "images/chart.png: warning: 150 dpi where it is printed");
    CHECK_CONTAINS(err.ptr, "the cover image is 101 dpi on the printed cover");
    qr_buf_addf(&a, "%s/the-cartographers-notebook-interior.pdf", dir.ptr);
    qr_buf_addf(&b, "%s/the-cartographers-notebook-cover.pdf", dir.ptr);
    int pages = S_pages(a.ptr);
    /* the interior: the reading PDF's pages without its cover and blank */
    qr_buf reading = QR_BUF_INIT;
    qr_buf_addf(&reading, "%s/the-cartographers-notebook.pdf", dir.ptr);
    CHECK_INT_EQ(pages, S_pages(reading.ptr) - 2);
    S_preflight(a.ptr, pages, 0);
    S_preflight(b.ptr, 1, 1);
    /* the same bytes again */
    qr_buf again = QR_BUF_INIT, c = QR_BUF_INIT;
    qt_scratch("print-rich-2", &again);
    CHECK_INT_EQ(S_build("tests/fixtures/rich", again.ptr, NULL, &err), 0);
    qr_buf_addf(&c, "%s/the-cartographers-notebook-interior.pdf", again.ptr);
    CHECK(qt_same_file(a.ptr, c.ptr));
    qr_buf_reset(&c);
    qr_buf_addf(&c, "%s/the-cartographers-notebook-cover.pdf", again.ptr);
    CHECK(qt_same_file(b.ptr, c.ptr));
    qr_buf_release(&dir);
    qr_buf_release(&err);
    qr_buf_release(&a);
    qr_buf_release(&b);
    qr_buf_release(&c);
    qr_buf_release(&again);
    qr_buf_release(&reading);
}

/* The reading PDF is no print file: check-print says why, exit 65. */
static void test_check_print_refuses_reading_pdf(void)
{
    qr_buf dir = QR_BUF_INIT, out = QR_BUF_INIT, err = QR_BUF_INIT, pdf = QR_BUF_INIT;
    qt_scratch("print-reading", &dir);
    const char *argv[] = {S_quire(), "build", "-f", "pdf", "-o", dir.ptr,
                          "tests/fixtures/pdf-rich", NULL};
    CHECK_INT_EQ(qt_run(argv, NULL, &out, &err), 0);
    qr_buf_addf(&pdf, "%s/the-keepers-almanac.pdf", dir.ptr);
    const char *qc[] = {S_quire(), "check-print", pdf.ptr, NULL};
    qr_buf_reset(&err);
    CHECK_INT_EQ(qt_run(qc, NULL, &out, &err), 65);
    CHECK_CONTAINS(err.ptr, "error: no PDF/X output intent");
    CHECK_CONTAINS(err.ptr, "error: page 1 has no TrimBox");
    CHECK_CONTAINS(err.ptr, "has annotations (links)");
    CHECK_CONTAINS(err.ptr, "sets colours outside the output intent's grey");
    CHECK_CONTAINS(err.ptr, "image (object");
    /* not a PDF at all */
    const char *np[] = {S_quire(), "check-print", "tests/fixtures/pdf-rich/book.yaml", NULL};
    qr_buf_reset(&err);
    CHECK_INT_EQ(qt_run(np, NULL, &out, &err), 65);
    CHECK_CONTAINS(err.ptr, "book.yaml: error: not a PDF");
    qr_buf_release(&dir);
    qr_buf_release(&out);
    qr_buf_release(&err);
    qr_buf_release(&pdf);
}

/* A book of about `pages` A5 pages: numbered paragraphs of plain words. */
static void S_book(const char *dir, int pages, const char *yaml)
{
    qr_buf p = QR_BUF_INIT, text = QR_BUF_INIT;
    qr_buf_addf(&p, "%s/seeds", dir);
    mkdir(dir, 0777);
    mkdir(p.ptr, 0777);
    qr_buf_adds(&p, "/book.md");
    static const char *const w[] = {"harbour", "light", "tide", "the", "keeper", "of", "and",
                                    "measured", "coast", "a", "sounding", "line", "north", "in",
                                    "water", "chart"};
    unsigned seed = 1;
    for (int ch = 0; ch < pages / 5 + 1; ch++) {
        qr_buf_addf(&text, "# Chapter %d\n\n", ch + 1);
        for (int para = 0; para < 28; para++) {
            for (int k = 0; k < 60; k++) {
                seed = seed * 1103515245u + 12345u;
                qr_buf_adds(&text, w[(seed >> 16) % 16]);
                qr_buf_adds(&text, k == 59 ? ".\n\n" : " ");
            }
        }
    }
    qt_write(p.ptr, text.ptr, text.len);
    qr_buf_reset(&p);
    qr_buf_addf(&p, "%s/book.yaml", dir);
    qt_write(p.ptr, yaml, strlen(yaml));
    qr_buf_release(&p);
    qr_buf_release(&text);
}

/* The cover's width is 2 x trim + spine + 2 x bleed, the spine KDP's
 * thickness a page times the interior's pages; spine text from 100 pages. */
static void S_cover_for(int target, const char *paper, double per_page)
{
    qr_buf dir = QR_BUF_INIT, out = QR_BUF_INIT, err = QR_BUF_INIT, a = QR_BUF_INIT,
           b = QR_BUF_INIT, name = QR_BUF_INIT, yaml = QR_BUF_INIT;
    qr_buf_addf(&name, "print-cover-%d", target);
    qt_scratch(name.ptr, &dir);
    qr_buf_addf(&yaml, "title: Soundings %d\nauthor: Ada Quill\nprint: {profile: pod, paper: %s}\n",
                target, paper);
    S_book(dir.ptr, target, yaml.ptr);
    qr_buf_adds(&dir, "");
    qr_buf od = QR_BUF_INIT;
    qr_buf_addf(&od, "%s/dist", dir.ptr);
    /* the manifest asks for the print edition: a plain build makes it */
    const char *argv[] = {S_quire(), "build", "-f", "pdf", dir.ptr, NULL};
    int rc = qt_run(argv, NULL, &out, &err);
    if (rc != 0)
        qt_fail(__FILE__, __LINE__, "build of %d pages: exit %d\n%s", target, rc, err.ptr);
    qr_buf_addf(&a, "%s/soundings-%d-interior.pdf", od.ptr, target);
    qr_buf_addf(&b, "%s/soundings-%d-cover.pdf", od.ptr, target);
    int pages = S_pages(a.ptr);
    CHECK(pages > target * 0.8 && pages < target * 1.25);
    double w, h;
    S_page_size(b.ptr, &w, &h);
    double trim_w = 148 / 25.4, trim_h = 210 / 25.4;
    double expect_w = 2 * trim_w + pages * per_page + 2 * 0.125;
    if (fabs(w / 72 - expect_w) > 0.01 || fabs(h / 72 - (trim_h + 0.25)) > 0.01)
        qt_fail(__FILE__, __LINE__, "%d pages: cover %.4f x %.4f in, expected %.4f x %.4f", pages,
                w / 72, h / 72, expect_w, trim_h + 0.25);
    S_preflight(b.ptr, 1, 1);
    /* the title on the spine too, from 100 pages and 0.25 in */
    const char *tt[] = {"pdftotext", b.ptr, "-", NULL};
    qr_buf_reset(&out);
    CHECK_INT_EQ(S_tool(tt, &out, &err), 0);
    qr_buf title = QR_BUF_INIT;
    qr_buf_addf(&title, "Soundings %d", target);
    int spine = pages >= 100 && pages * per_page >= 0.25;
    CHECK_INT_EQ(S_count(out.ptr, title.ptr), spine ? 2 : 1);
    qr_buf_release(&title);
    qr_buf_release(&dir);
    qr_buf_release(&od);
    qr_buf_release(&out);
    qr_buf_release(&err);
    qr_buf_release(&a);
    qr_buf_release(&b);
    qr_buf_release(&name);
    qr_buf_release(&yaml);
}

static void test_cover_100_pages(void)
{
    S_cover_for(100, "white", 0.002252);
}

static void test_cover_300_pages(void)
{
    S_cover_for(300, "cream", 0.0025);
}

static void test_cover_700_pages(void)
{
    S_cover_for(700, "colour", 0.002347);
}

/* The inner margin grows with the pages as the services ask: 0.875 in past
 * 700 pages, unless the author set the margins. */
static void test_inner_margin_grows(void)
{
    qr_buf dir = QR_BUF_INIT, out = QR_BUF_INIT, err = QR_BUF_INIT;
    qt_scratch("print-margin", &dir);
    S_book(dir.ptr, 760, "title: Long Soundings\nauthor: Ada Quill\n");
    const char *argv[] = {S_quire(), "build", "-f", "pdf", "--print", "pod", "--stats", dir.ptr,
                          NULL};
    CHECK_INT_EQ(qt_run(argv, NULL, &out, &err), 0);
    CHECK_CONTAINS(out.ptr, "inner margin 0.875 in");
    const char *set[] = {S_quire(), "build", "-f", "pdf", "--print", "pod", "--stats",
                         "--margins", "20mm,16mm,18mm,22mm", dir.ptr, NULL};
    qr_buf_reset(&out);
    CHECK_INT_EQ(qt_run(set, NULL, &out, &err), 0);
    CHECK_CONTAINS(out.ptr, "inner margin 0.787 in");
    qr_buf_release(&dir);
    qr_buf_release(&out);
    qr_buf_release(&err);
}

/* Unknown values are errors at their place in book.yaml, or usage errors. */
static void test_print_options_refused(void)
{
    qr_buf dir = QR_BUF_INIT, out = QR_BUF_INIT, err = QR_BUF_INIT;
    qt_scratch("print-bad", &dir);
    S_book(dir.ptr, 1, "title: Bad\nprint:\n  profile: offset\n");
    const char *argv[] = {S_quire(), "build", dir.ptr, NULL};
    CHECK_INT_EQ(qt_run(argv, NULL, &out, &err), 65);
    CHECK_CONTAINS(err.ptr, "book.yaml:3:12: error: print.profile: unknown profile 'offset'");
    const char *paper[] = {S_quire(), "build", "--paper", "glossy", dir.ptr, NULL};
    qr_buf_reset(&err);
    CHECK_INT_EQ(qt_run(paper, NULL, &out, &err), 64);
    CHECK_CONTAINS(err.ptr, "unknown paper 'glossy'");
    qr_buf_release(&dir);
    qr_buf_release(&out);
    qr_buf_release(&err);
}

/* Text in the margin a printer trims into: the build fails, naming the
 * page, and leaves no interior behind. */
static void test_unsafe_margins_refused(void)
{
    qr_buf dir = QR_BUF_INIT, out = QR_BUF_INIT, err = QR_BUF_INIT, pdf = QR_BUF_INIT;
    qt_scratch("print-unsafe", &dir);
    const char *argv[] = {S_quire(), "build", "-f", "pdf", "--print", "pod", "--margins",
                          "5mm,5mm,5mm,5mm", "-o", dir.ptr, "tests/fixtures/pdf-rich", NULL};
    CHECK_INT_EQ(qt_run(argv, NULL, &out, &err), 65);
    CHECK_CONTAINS(err.ptr, "text within 0.25 in of the trim");
    CHECK_CONTAINS(err.ptr, "a print service would refuse (above); not written");
    qr_buf_addf(&pdf, "%s/the-keepers-almanac-interior.pdf", dir.ptr);
    struct stat st;
    CHECK(stat(pdf.ptr, &st) < 0);
    qr_buf_release(&dir);
    qr_buf_release(&out);
    qr_buf_release(&err);
    qr_buf_release(&pdf);
}

/* Moby-Dick, whole: 600-odd pages, its spine titled. */
static void test_moby_dick(void)
{
    qr_buf dir = QR_BUF_INIT, out = QR_BUF_INIT, err = QR_BUF_INIT, a = QR_BUF_INIT,
           b = QR_BUF_INIT;
    qt_scratch("print-moby", &dir);
    const char *argv[] = {S_quire(), "build", "-f", "pdf", "--print", "pod", "-o", dir.ptr,
                          "tests/corpus/moby-dick.txt", NULL};
    int rc = qt_run(argv, NULL, &out, &err);
    if (rc != 0)
        qt_fail(__FILE__, __LINE__, "exit %d\n%s", rc, err.ptr);
    qr_buf_addf(&a, "%s/moby-dick-or-the-whale-interior.pdf", dir.ptr);
    qr_buf_addf(&b, "%s/moby-dick-or-the-whale-cover.pdf", dir.ptr);
    int pages = S_pages(a.ptr);
    CHECK(pages > 500);
    S_preflight(a.ptr, pages, 0);
    S_preflight(b.ptr, 1, 1);
    const char *tt[] = {"pdftotext", b.ptr, "-", NULL};
    qr_buf_reset(&out);
    CHECK_INT_EQ(S_tool(tt, &out, &err), 0);
    CHECK_INT_EQ(S_count(out.ptr, "Herman Melville"), 2);
    qr_buf_release(&dir);
    qr_buf_release(&out);
    qr_buf_release(&err);
    qr_buf_release(&a);
    qr_buf_release(&b);
}

void suite_print(void)
{
    qt_case("print_unsafe_margins_refused", test_unsafe_margins_refused);
    qt_case("print_moby_dick", test_moby_dick);
    qt_case("print_rich_interior_and_cover", test_rich_interior_and_cover);
    qt_case("print_check_refuses_reading_pdf", test_check_print_refuses_reading_pdf);
    qt_case("print_cover_100_pages", test_cover_100_pages);
    qt_case("print_cover_300_pages", test_cover_300_pages);
    qt_case("print_cover_700_pages", test_cover_700_pages);
    qt_case("print_inner_margin_grows", test_inner_margin_grows);
    qt_case("print_options_refused", test_print_options_refused);
}
