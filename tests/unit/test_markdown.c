/* test_markdown.c: the Markdown reader (src/read/markdown.c) and image
 * resolution (src/read/resource.c). */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../test.h"
#include "doc/doc.h"
#include "read/read.h"

#define S_GOLDEN_DIR "tests/golden/markdown"

/* Reads `data` as the one Markdown file `file` of a book, resolves its
 * images (root: the file's folder) and returns the dump (owned), or NULL
 * with *rc -1 and err set. Warnings are counted into *warnings. */
static char *S_read(const char *file, const char *data, size_t len, int flags, int *rc,
                    qr_error *err, unsigned *warnings)
{
    qr_doc *doc = qr_doc_new();
    qr_error_clear(err);
    unsigned before = qr_warning_count();
    int level = qr_log_level();
    if (!qt_verbose())
        qr_log_set_level(QR_LOG_QUIET);
    *rc = qr_read_markdown(doc, file, data, len, flags, err);
    if (*rc == 0)
        *rc = qr_resolve_images(doc, NULL, err);
    qr_log_set_level(level);
    if (warnings)
        *warnings = qr_warning_count() - before;
    char *out = NULL;
    if (*rc == 0) {
        qr_buf d = QR_BUF_INIT;
        qr_doc_dump(doc, &d);
        out = qr_buf_detach(&d, NULL);
    }
    qr_doc_free(doc);
    return out;
}

static char *S_dump_of(const char *md, int flags, int *rc, qr_error *err, unsigned *warnings)
{
    return S_read("test.md", md, strlen(md), flags, rc, err, warnings);
}

/* Golden dumps ------------------------------------------------------------ */

/*
 * tests/golden/markdown/NAME.md, read as a one-file book, dumps as
 * NAME.dump (QUIRE_UPDATE_GOLDEN=1 rewrites the dumps: read the diff).
 * NAME.warnings, when present, holds the number of warnings expected.
 */
static void test_golden(void)
{
    DIR *d = opendir(S_GOLDEN_DIR);
    if (!d) {
        qt_fail(__FILE__, __LINE__, "%s: cannot open (run from the repository root)", S_GOLDEN_DIR);
        return;
    }
    const char *update = getenv("QUIRE_UPDATE_GOLDEN");
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len < 4 || strcmp(e->d_name + len - 3, ".md") != 0)
            continue;
        qr_buf path = QR_BUF_INIT, in = QR_BUF_INIT, want = QR_BUF_INIT, wpath = QR_BUF_INIT,
               wwant = QR_BUF_INIT;
        qr_buf_addf(&path, "%s/%s", S_GOLDEN_DIR, e->d_name);
        if (qt_read(path.ptr, &in) != 0) {
            qt_fail(__FILE__, __LINE__, "cannot read %s", path.ptr);
        } else {
            int rc;
            qr_error err;
            unsigned warnings;
            char *got = S_read(path.ptr, in.ptr, in.len, QR_READ_FIRST | QR_READ_SINGLE, &rc, &err,
                               &warnings);
            qr_buf_truncate(&path, path.len - 3);
            qr_buf_addf(&wpath, "%s.warnings", path.ptr);
            qr_buf_adds(&path, ".dump");
            if (rc < 0) {
                qt_fail(__FILE__, __LINE__, "%s:%d:%d: %s", err.file, err.line, err.col, err.msg);
            } else if (update && *update) {
                qt_write(path.ptr, got, strlen(got));
            } else if (qt_read(path.ptr, &want) != 0) {
                qt_fail(__FILE__, __LINE__, "%s is missing", path.ptr);
            } else if (strcmp(want.ptr, got) != 0) {
                qt_fail(__FILE__, __LINE__, "%s differs:\n--- got\n%s", path.ptr, got);
            }
            if (rc == 0 && qt_read(wpath.ptr, &wwant) == 0 &&
                strtoul(wwant.ptr, NULL, 10) != warnings)
                qt_fail(__FILE__, __LINE__, "%s: %u warnings, expected %s", wpath.ptr, warnings,
                        wwant.ptr);
            free(got);
            n++;
        }
        qr_buf_release(&path);
        qr_buf_release(&in);
        qr_buf_release(&want);
        qr_buf_release(&wpath);
        qr_buf_release(&wwant);
    }
    closedir(d);
    CHECK(n >= 4);
}

/* Errors in the bytes --------------------------------------------------------- */

static void test_bad_bytes(void)
{
    qr_error err;
    int rc;
    char *d = S_dump_of("# Title\n\nbad \xC3\x28 here\n", QR_READ_FIRST, &rc, &err, NULL);
    CHECK(d == NULL);
    CHECK_INT_EQ(rc, -1);
    CHECK_INT_EQ(err.code, QR_EX_DATAERR);
    CHECK_INT_EQ(err.line, 3);
    CHECK_INT_EQ(err.col, 5);
    CHECK_CONTAINS(err.msg, "UTF-8");

    qr_doc *doc = qr_doc_new();
    qr_error_clear(&err);
    CHECK_INT_EQ(qr_read_markdown(doc, "nul.md", "ab\ncd\0ef", 8, QR_READ_FIRST, &err), -1);
    CHECK_INT_EQ(err.code, QR_EX_DATAERR);
    CHECK_INT_EQ(err.line, 2);
    CHECK_INT_EQ(err.col, 3);
    CHECK_CONTAINS(err.msg, "NUL");
    qr_error_clear(&err);
    CHECK_INT_EQ(qr_read_markdown(doc, "empty.md", "", 0, QR_READ_FIRST, &err), -1);
    CHECK_CONTAINS(err.msg, "empty");
    qr_error_clear(&err);
    CHECK_INT_EQ(qr_read_markdown(doc, "blank.md", "\xEF\xBB\xBF \n\r\n\t\n", 9, 0, &err), -1);
    CHECK_INT_EQ(err.code, QR_EX_DATAERR);
    CHECK_CONTAINS(err.msg, "empty");
    qr_error_clear(&err);
    const char *only = "---\ntitle: Nothing else\n---\n\n";
    CHECK_INT_EQ(qr_read_markdown(doc, "only.md", only, strlen(only), 0, &err), -1);
    CHECK_CONTAINS(err.msg, "empty");
    /* nothing was added to the document by the failed reads */
    CHECK(qr_node_first_child(qr_doc_root(doc)) == NULL);
    qr_doc_free(doc);
}

/* Front matter ---------------------------------------------------------------- */

static void test_front_matter_errors(void)
{
    static const struct {
        const char *md;
        int line, col;
        const char *msg;
    } cases[] = {
        {"---\ntitle: [a, b]\n---\n\nText.\n", 2, 8, "title: expected a single value, not a list"},
        {"---\ntitle: Fine\nauthor: {name: X}\n---\n\nText.\n", 3, 9, "author"},
        {"---\ntitle: Fine\nauthor:\n  - [nested]\n---\n\nText.\n", 4, 5, "author"},
        {"---\ndate: 14 March\n---\n\nText.\n", 2, 7, "not a date"},
        {"---\nlanguage: english!\n---\n\nText.\n", 2, 11, "language tag"},
        {"---\ntitle: \"unclosed\n---\n\nText.\n", 0, 0, "front matter"},
        {"---\n- a list\n- not a mapping\n---\n\nText.\n", 2, 1, "not a list"},
        {"---\ntitle: a: b\n---\n\nText.\n", 2, 9, "front matter"},
    };
    for (size_t i = 0; i < QR_ARRAY_LEN(cases); i++) {
        qr_error err;
        int rc;
        char *d = S_dump_of(cases[i].md, QR_READ_FIRST | QR_READ_SINGLE, &rc, &err, NULL);
        if (rc != -1 || err.code != QR_EX_DATAERR || !strstr(err.msg, cases[i].msg) ||
            (cases[i].line && (err.line != cases[i].line || err.col != cases[i].col)) ||
            (!cases[i].line && err.line < 2))
            qt_fail(__FILE__, __LINE__, "case %zu: rc %d code %d at %d:%d: %s", i, rc, err.code,
                    err.line, err.col, err.msg);
        free(d);
    }
}

static void test_front_matter_chapter(void)
{
    qr_error err;
    int rc;
    unsigned warnings;
    /* in a book of several files: title: names the chapter, other keys warn */
    const char *md = "---\ntitle: A Chapter Title\nauthor: Somebody\n---\n\nFirst paragraph.\n";
    char *d = S_dump_of(md, 0, &rc, &err, &warnings);
    CHECK_INT_EQ(rc, 0);
    CHECK_INT_EQ(warnings, 1);
    CHECK(d && strncmp(d, "document\n", 9) == 0); /* no book metadata */
    CHECK_CONTAINS(d, "  chapter kind=body level=1\n    heading level=1\n"
                      "      text \"A Chapter Title\"\n    paragraph\n"
                      "      text \"First paragraph.\"\n");
    free(d);
    /* with an h1, the front matter's title is not a heading of its own */
    md = "---\ntitle: Unused\n---\n# The Heading\n\nText.\n";
    d = S_dump_of(md, 0, &rc, &err, &warnings);
    CHECK_INT_EQ(rc, 0);
    CHECK(d && !strstr(d, "Unused"));
    CHECK_CONTAINS(d, "text \"The Heading\"");
    free(d);
    /* not front matter: no closing line, or a blank line after the first */
    md = "---\n\ntitle: x\n---\n";
    d = S_dump_of(md, QR_READ_SINGLE, &rc, &err, NULL);
    CHECK_INT_EQ(rc, 0);
    CHECK_CONTAINS(d, "scene_break");
    CHECK(d && !strstr(d, "title \"x\""));
    free(d);
}

/* Line numbers stay the file's after the front matter is cut. */
static void test_source_lines(void)
{
    const char *md = "---\ntitle: T\nauthor: A\n---\n\n# Heading on five\n\nParagraph on "
                     "seven.\n\n- item on nine\n";
    qr_doc *doc = qr_doc_new();
    qr_error err;
    qr_error_clear(&err);
    CHECK_INT_EQ(qr_read_markdown(doc, "lines.md", md, strlen(md), QR_READ_SINGLE, &err), 0);
    int want[] = {6, 8, 10}; /* heading, paragraph, list (1-based lines) */
    qr_node_type types[] = {QR_NODE_HEADING, QR_NODE_PARAGRAPH, QR_NODE_LIST};
    int found = 0;
    qr_iter it;
    qr_iter_init(&it, qr_doc_root(doc));
    qr_event ev;
    while ((ev = qr_iter_next(&it)) != QR_EV_DONE) {
        qr_node *n = qr_iter_node(&it);
        for (int i = 0; i < 3; i++)
            if (ev == QR_EV_ENTER && qr_node_get_type(n) == types[i] && !(found & (1 << i))) {
                int line;
                CHECK_STR_EQ(qr_node_source(n, &line), "lines.md");
                CHECK_INT_EQ(line, want[i]);
                found |= 1 << i;
            }
    }
    CHECK_INT_EQ(found, 7);
    qr_doc_free(doc);
}

/* Footnotes -------------------------------------------------------------------- */

static void test_footnotes(void)
{
    const char *md = "Once[^a], twice[^a].\n\n[^a]: The note.\n\n[^b]: Unused.\n";
    qr_doc *doc = qr_doc_new();
    qr_error err;
    qr_error_clear(&err);
    unsigned before = qr_warning_count();
    int level = qr_log_level();
    qr_log_set_level(QR_LOG_QUIET);
    CHECK_INT_EQ(qr_read_markdown(doc, "notes.md", md, strlen(md), 0, &err), 0);
    qr_log_set_level(level);
    CHECK_INT_EQ(qr_warning_count() - before, 1); /* [^b] is never referenced */
    qr_node *notes[3] = {0};
    int n = 0;
    qr_iter it;
    qr_iter_init(&it, qr_doc_root(doc));
    qr_event ev;
    while ((ev = qr_iter_next(&it)) != QR_EV_DONE)
        if (ev == QR_EV_ENTER && qr_node_get_type(qr_iter_node(&it)) == QR_NODE_NOTE && n < 3)
            notes[n++] = qr_iter_node(&it);
    CHECK_INT_EQ(n, 2);
    /* each reference has a copy of its own, in place */
    CHECK(notes[0] != notes[1]);
    for (int i = 0; i < n; i++) {
        CHECK_INT_EQ(qr_node_get_type(qr_node_parent(notes[i])), QR_NODE_PARAGRAPH);
        qr_node *p = qr_node_first_child(notes[i]);
        CHECK_INT_EQ(qr_node_get_type(p), QR_NODE_PARAGRAPH);
        qr_buf t = QR_BUF_INIT;
        qr_node_plain_text(p, &t);
        CHECK_STR_EQ(t.ptr, "The note.");
        qr_buf_release(&t);
    }
    CHECK(qr_node_first_child(notes[0]) != qr_node_first_child(notes[1]));
    qr_doc_free(doc);

    /* a note referenced many times over is refused, not copied endlessly */
    qr_buf big = QR_BUF_INIT;
    for (int i = 0; i < 20000; i++)
        qr_buf_adds(&big, "x[^n] ");
    qr_buf_adds(&big, "\n\n[^n]: ");
    for (int i = 0; i < 20000; i++)
        qr_buf_adds(&big, "*w* ");
    qr_buf_adds(&big, "\n");
    doc = qr_doc_new();
    qr_error_clear(&err);
    CHECK_INT_EQ(qr_read_markdown(doc, "many.md", big.ptr, big.len, 0, &err), -1);
    CHECK_INT_EQ(err.code, QR_EX_DATAERR);
    CHECK_CONTAINS(err.msg, "footnotes");
    qr_doc_free(doc);
    qr_buf_release(&big);
}

/* Depth ------------------------------------------------------------------------ */

static int S_max_depth(const qr_doc *doc)
{
    qr_iter it;
    qr_iter_init(&it, qr_doc_root(doc));
    qr_event ev;
    int depth = 0, max = 0;
    while ((ev = qr_iter_next(&it)) != QR_EV_DONE) {
        qr_node *n = qr_iter_node(&it);
        if (qr_node_is_leaf(n))
            continue;
        if (ev == QR_EV_ENTER && ++depth > max)
            max = depth;
        else if (ev == QR_EV_EXIT)
            depth--;
    }
    return max;
}

/* 10,000 nested block quotes or list items: read without recursion. */
static void test_deep_nesting(void)
{
    static const char *const prefix[] = {">", "- "};
    for (int k = 0; k < 2; k++) {
        qr_buf md = QR_BUF_INIT;
        for (int i = 0; i < 10000; i++)
            qr_buf_adds(&md, prefix[k]);
        qr_buf_adds(&md, " deep\n");
        qr_doc *doc = qr_doc_new();
        qr_error err;
        qr_error_clear(&err);
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        CHECK_INT_EQ(qr_read_markdown(doc, "deep.md", md.ptr, md.len, QR_READ_FIRST, &err), 0);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
        if (s > 2)
            qt_fail(__FILE__, __LINE__, "%s x 10000: %.2f s", prefix[k], s);
        /* document, chapter, then 10,000 quotes (or 10,000 lists and items) */
        int depth = S_max_depth(doc);
        CHECK(depth >= 10000 + 2);
        /* the text is there, at the bottom (the dump would be quadratic:
         * two spaces of indentation a level) */
        qr_buf t = QR_BUF_INIT;
        qr_node_plain_text(qr_doc_root(doc), &t);
        CHECK_STR_EQ(t.ptr, "deep");
        qr_buf_release(&t);
        qr_doc_free(doc);
        qr_buf_release(&md);
    }
}

/* Images ------------------------------------------------------------------------ */

static void S_put(const char *dir, const char *name, const void *data, size_t len)
{
    qr_buf p = QR_BUF_INIT;
    qr_buf_addf(&p, "%s/%s", dir, name);
    if (qt_write(p.ptr, data, len) != 0)
        qt_fail(__FILE__, __LINE__, "cannot write %s", p.ptr);
    qr_buf_release(&p);
}

/* Reads DIR/seeds/ch.md (text md) with DIR as the project; 0 or -1. */
static int S_project_read(const char *dir, const char *md, qr_doc **docp, qr_error *err,
                          unsigned *warnings)
{
    S_put(dir, "seeds/ch.md", md, strlen(md));
    qr_doc *doc = qr_doc_new();
    qr_buf file = QR_BUF_INIT;
    qr_buf_addf(&file, "%s/seeds/ch.md", dir);
    const char *f = qr_arena_strdup(qr_doc_arena(doc), file.ptr);
    qr_buf_release(&file);
    qr_error_clear(err);
    unsigned before = qr_warning_count();
    int level = qr_log_level();
    if (!qt_verbose())
        qr_log_set_level(QR_LOG_QUIET);
    int rc = qr_read_markdown(doc, f, md, strlen(md), QR_READ_FIRST, err);
    if (rc == 0)
        rc = qr_resolve_images(doc, dir, err);
    qr_log_set_level(level);
    if (warnings)
        *warnings = qr_warning_count() - before;
    *docp = doc;
    return rc;
}

static void S_image_nodes(qr_doc *doc, qr_node **out, int max, int *n)
{
    *n = 0;
    qr_iter it;
    qr_iter_init(&it, qr_doc_root(doc));
    qr_event ev;
    while ((ev = qr_iter_next(&it)) != QR_EV_DONE)
        if (ev == QR_EV_ENTER && qr_node_get_type(qr_iter_node(&it)) == QR_NODE_IMAGE && *n < max)
            out[(*n)++] = qr_iter_node(&it);
}

static void test_images(void)
{
    qr_buf dir = QR_BUF_INIT, png = QR_BUF_INIT, jpg = QR_BUF_INIT, p = QR_BUF_INIT;
    qt_scratch("markdown-images", &dir);
    if (qt_read(S_GOLDEN_DIR "/images/dot.png", &png) != 0 ||
        qt_read(S_GOLDEN_DIR "/images/photo.jpg", &jpg) != 0) {
        qt_fail(__FILE__, __LINE__, "cannot read the golden images");
        goto done;
    }
    qr_buf_addf(&p, "%s/seeds", dir.ptr);
    mkdir(p.ptr, 0777);
    qr_buf_reset(&p);
    qr_buf_addf(&p, "%s/images", dir.ptr);
    mkdir(p.ptr, 0777);
    S_put(dir.ptr, "images/dot.png", png.ptr, png.len);
    S_put(dir.ptr, "images/photo.jpg", jpg.ptr, jpg.len);
    S_put(dir.ptr, "images/half.png", png.ptr, png.len - 20);  /* cut in its IDAT */
    S_put(dir.ptr, "images/noend.png", png.ptr, png.len - 12); /* no IEND chunk */
    S_put(dir.ptr, "images/half.jpg", jpg.ptr, jpg.len / 2);
    S_put(dir.ptr, "images/text.png", "not an image\n", 13);
    /* a PNG that says it is 20000 pixels wide: refused before decoding */
    qr_buf wide = QR_BUF_INIT;
    qr_buf_add(&wide, png.ptr, png.len);
    wide.ptr[16] = 0, wide.ptr[17] = 0, wide.ptr[18] = 0x4E, wide.ptr[19] = 0x20;
    S_put(dir.ptr, "images/wide.png", wide.ptr, wide.len);
    qr_buf_release(&wide);
    /* a symlink inside the project to a file outside it */
    qr_buf_reset(&p);
    qr_buf_addf(&p, "%s/images/escape.png", dir.ptr);
    if (symlink("/etc/hostname", p.ptr) != 0)
        qt_fail(__FILE__, __LINE__, "cannot make a symlink");

    qr_doc *doc;
    qr_error err;
    unsigned warnings;
    /* good: one qr_image per file, shared; the name is the path in the project */
    const char *good = "# Pictures\n\n![a](../images/dot.png \"Cap\")\n\n"
                       "Again ![b](./../images/./dot.png) and ![c](../images/photo.jpg).\n\n"
                       "Remote ![the *alt* text](https://example.com/x.png) is not fetched.\n";
    CHECK_INT_EQ(S_project_read(dir.ptr, good, &doc, &err, &warnings), 0);
    CHECK_INT_EQ(warnings, 1);
    qr_node *img[8];
    int n;
    S_image_nodes(doc, img, 8, &n);
    CHECK_INT_EQ(n, 3); /* the remote one is gone */
    if (n == 3) {
        const qr_image *a = qr_node_image(img[0]), *b = qr_node_image(img[1]),
                       *c = qr_node_image(img[2]);
        CHECK(a && a == b);
        CHECK(c && c != a);
        if (a && c) {
            CHECK_STR_EQ(a->name, "images/dot.png");
            CHECK_STR_EQ(a->type, "image/png");
            CHECK_INT_EQ(a->width, 8);
            CHECK_INT_EQ(a->height, 6);
            CHECK_INT_EQ(a->len, png.len);
            CHECK(memcmp(a->data, png.ptr, png.len) == 0);
            CHECK_STR_EQ(c->name, "images/photo.jpg");
            CHECK_STR_EQ(c->type, "image/jpeg");
            CHECK_INT_EQ(c->width, 320);
            CHECK_INT_EQ(c->height, 200);
        }
    }
    qr_buf d = QR_BUF_INIT;
    qr_doc_dump(doc, &d);
    CHECK_CONTAINS(d.ptr, "text \"Remote the \"\n      emph\n        text \"alt\"\n"
                          "      text \" text is not fetched.\"");
    CHECK(!strstr(d.ptr, "example.com"));
    qr_buf_release(&d);
    qr_doc_free(doc);

    /* errors, each at the image's line and column */
    static const struct {
        const char *md;
        int code, line, col;
        const char *msg;
    } bad[] = {
        {"# X\n\nText ![o](../../outside.png)\n", QR_EX_DATAERR, 3, 11, "leaves the project"},
        {"# X\n\n![o](../images/../../x.png)\n", QR_EX_DATAERR, 3, 6, "leaves the project"},
        {"# X\n\n![abs](/etc/hostname)\n", QR_EX_DATAERR, 3, 8, "absolute"},
        {"# X\n\n![l](../images/escape.png)\n", QR_EX_DATAERR, 3, 6, "outside"},
        {"# X\n\nfine\n\n![m](../images/missing.png)\n", QR_EX_NOINPUT, 5, 6, "no such file"},
        {"# X\n\n![t](../images/half.png)\n", QR_EX_DATAERR, 3, 6, "PNG"},
        {"# X\n\n![t](../images/noend.png)\n", QR_EX_DATAERR, 3, 6, "PNG"},
        {"# X\n\n![t](../images/half.jpg)\n", QR_EX_DATAERR, 3, 6, "JPEG"},
        {"# X\n\n![t](../images/text.png)\n", QR_EX_DATAERR, 3, 6, "not a PNG or JPEG"},
        {"# X\n\n![w](../images/wide.png)\n", QR_EX_DATAERR, 3, 6, "20000x6 pixels"},
        {"# X\n\n![d](../images)\n", QR_EX_NOINPUT, 3, 6, "is a directory, not a file"},
    };
    for (size_t i = 0; i < QR_ARRAY_LEN(bad); i++) {
        int rc = S_project_read(dir.ptr, bad[i].md, &doc, &err, NULL);
        if (rc != -1 || err.code != bad[i].code || err.line != bad[i].line ||
            err.col != bad[i].col || !strstr(err.msg, bad[i].msg) ||
            !strstr(err.file, "seeds/ch.md"))
            qt_fail(__FILE__, __LINE__, "case %zu: rc %d, %s:%d:%d: code %d: %s", i, rc, err.file,
                    err.line, err.col, err.code, err.msg);
        qr_doc_free(doc);
    }
done:
    qr_buf_release(&dir);
    qr_buf_release(&png);
    qr_buf_release(&jpg);
    qr_buf_release(&p);
}

/* Files given one by one: each manuscript's folder is its images' root,
 * and two files of one name from two folders get two names in the book. */
static void test_images_files(void)
{
    qr_buf dir = QR_BUF_INIT, png = QR_BUF_INIT, other = QR_BUF_INIT, p = QR_BUF_INIT;
    qt_scratch("markdown-files", &dir);
    if (qt_read(S_GOLDEN_DIR "/images/dot.png", &png) != 0 ||
        qt_read("tests/fixtures/rich/images/chart.png", &other) != 0) {
        qt_fail(__FILE__, __LINE__, "cannot read the images");
        goto done;
    }
    static const char *const sub[] = {"a", "b"};
    qr_doc *doc = qr_doc_new();
    qr_error err;
    qr_error_clear(&err);
    int rc = 0;
    for (int i = 0; i < 2; i++) {
        qr_buf_reset(&p);
        qr_buf_addf(&p, "%s/%s", dir.ptr, sub[i]);
        mkdir(p.ptr, 0777);
        S_put(p.ptr, "pic.png", i ? other.ptr : png.ptr, i ? other.len : png.len);
        const char *md = "# Chapter\n\n![pic](pic.png)\n";
        S_put(p.ptr, "ch.md", md, strlen(md));
        qr_buf_adds(&p, "/ch.md");
        const char *f = qr_arena_strdup(qr_doc_arena(doc), p.ptr);
        if (rc == 0)
            rc = qr_read_markdown(doc, f, md, strlen(md), i == 0 ? QR_READ_FIRST : 0, &err);
    }
    CHECK_INT_EQ(rc, 0);
    CHECK_INT_EQ(qr_resolve_images(doc, NULL, &err), 0);
    qr_node *img[4];
    int n;
    S_image_nodes(doc, img, 4, &n);
    CHECK_INT_EQ(n, 2);
    if (n == 2 && qr_node_image(img[0]) && qr_node_image(img[1])) {
        CHECK_STR_EQ(qr_node_image(img[0])->name, "pic.png");
        CHECK_STR_EQ(qr_node_image(img[1])->name, "pic-2.png");
        CHECK_INT_EQ(qr_node_image(img[1])->width, 360);
    }
    qr_doc_free(doc);
    /* without a project, the manuscript's folder is the limit */
    doc = qr_doc_new();
    qr_buf_reset(&p);
    qr_buf_addf(&p, "%s/a/up.md", dir.ptr);
    const char *md = "![up](./pic.png) ![out](../b/pic.png)\n";
    S_put(dir.ptr, "a/up.md", md, strlen(md));
    const char *f = qr_arena_strdup(qr_doc_arena(doc), p.ptr);
    qr_error_clear(&err);
    CHECK_INT_EQ(qr_read_markdown(doc, f, md, strlen(md), QR_READ_FIRST, &err), 0);
    CHECK_INT_EQ(qr_resolve_images(doc, NULL, &err), -1);
    CHECK_INT_EQ(err.code, QR_EX_DATAERR);
    CHECK_INT_EQ(err.line, 1);
    CHECK_INT_EQ(err.col, 25);
    CHECK_CONTAINS(err.msg, "'../b/pic.png' leaves the manuscript's folder");
    qr_doc_free(doc);
done:
    qr_buf_release(&dir);
    qr_buf_release(&png);
    qr_buf_release(&other);
    qr_buf_release(&p);
}

/* The program: Markdown files are read as Markdown; the fixture book reads. */
static void test_program(void)
{
    const char *quire = getenv("QUIRE");
    if (!quire || !*quire)
        quire = "./quire";
    qr_buf out = QR_BUF_INIT, err = QR_BUF_INIT;
    const char *argv[] = {quire, "dump", "tests/fixtures/rich", NULL};
    CHECK_INT_EQ(qt_run(argv, NULL, &out, &err), 0);
    CHECK_CONTAINS(out.ptr, "title \"The Cartographer’s Notebook\"");
    CHECK_CONTAINS(out.ptr, "image=images/compass.png image/png 240x240");
    CHECK_CONTAINS(out.ptr, "image=images/harbour.jpg image/jpeg 320x200");
    CHECK_CONTAINS(out.ptr, "table columns=6 align=lcrcrl");
    CHECK(err.len == 0);
    /* every footnote of the book is read: 14 notes, each in place */
    int notes = 0;
    for (const char *p = out.ptr; (p = strstr(p, " note\n")); p++)
        notes++;
    CHECK_INT_EQ(notes, 14);
    qr_buf_reset(&out);
    qr_buf_reset(&err);
    const char *argv2[] = {quire, "dump", S_GOLDEN_DIR "/frontmatter.md", NULL};
    CHECK_INT_EQ(qt_run(argv2, NULL, &out, &err), 0);
    CHECK_CONTAINS(out.ptr, "title \"The Book: A Title\"");
    CHECK_CONTAINS(err.ptr, "frontmatter.md:14:1: warning: front matter: unknown key 'colour'");
    qr_buf_release(&out);
    qr_buf_release(&err);
}

void suite_markdown(void)
{
    qt_case("markdown/golden-dumps", test_golden);
    qt_case("markdown/bad-bytes", test_bad_bytes);
    qt_case("markdown/front-matter-errors", test_front_matter_errors);
    qt_case("markdown/front-matter-chapter", test_front_matter_chapter);
    qt_case("markdown/source-lines", test_source_lines);
    qt_case("markdown/footnotes", test_footnotes);
    qt_case("markdown/deep-nesting", test_deep_nesting);
    qt_case("markdown/images", test_images);
    qt_case("markdown/images-files", test_images_files);
    qt_case("markdown/program", test_program);
}
