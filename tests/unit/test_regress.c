/*
 * test_regress.c: every input the fuzzers found a bug with (tests/fuzz/regress/)
 * and every seed of their corpus (tests/fuzz/corpus_text/) goes through the
 * reader, the dump and the EPUB writer, as the fuzz targets do: a bad input
 * is refused with an error, a good one gives a zip with `mimetype` first and
 * well-formed XML. Under `make asan` / `make ubsan` this is where a fixed
 * crash would come back.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include <libxml/parser.h>

#include "../fuzz/book_check.h"
#include "../fuzz/manifest_check.h"
#include "../test.h"
#include "doc/doc.h"
#include "epub/epub.h"
#include "read/read.h"

/* Declared in test.h too; repeated so this file builds warning-free alone. */
void suite_regress(void);

static const char *const font_names[] = {
    "EBGaramond12-Regular.otf",
    "EBGaramond12-Italic.otf",
    "EBGaramond12-Bold.otf",
};

static int S_has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Fails the case unless every XML entry of the EPUB in `epub` is well-formed. */
static void S_check_epub(const char *what, const qr_buf *epub)
{
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(epub->ptr, epub->len, 0, &ze);
    zip_t *za = src ? zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &ze) : NULL;
    if (!za) {
        qt_fail(__FILE__, __LINE__, "%s: the EPUB is not a zip: %s", what, zip_error_strerror(&ze));
        if (src)
            zip_source_free(src);
        zip_error_fini(&ze);
        return;
    }
    zip_int64_t n = zip_get_num_entries(za, 0);
    const char *first = n > 0 ? zip_get_name(za, 0, 0) : NULL;
    if (!first || strcmp(first, "mimetype") != 0)
        qt_fail(__FILE__, __LINE__, "%s: the first entry is not mimetype", what);
    qr_buf entry = QR_BUF_INIT;
    for (zip_int64_t i = 0; i < n; i++) {
        const char *name = zip_get_name(za, (zip_uint64_t)i, 0);
        if (!name || !(S_has_suffix(name, ".xhtml") || S_has_suffix(name, ".opf") ||
                       S_has_suffix(name, ".ncx") || S_has_suffix(name, ".xml")))
            continue;
        zip_stat_t st;
        zip_file_t *f = NULL;
        int ok = zip_stat_index(za, (zip_uint64_t)i, 0, &st) == 0 && (st.valid & ZIP_STAT_SIZE) &&
                 (f = zip_fopen_index(za, (zip_uint64_t)i, 0)) != NULL;
        if (ok) {
            qr_buf_reset(&entry);
            qr_buf_grow(&entry, (size_t)st.size);
            zip_int64_t got = zip_fread(f, entry.ptr, st.size);
            ok = got >= 0 && (zip_uint64_t)got == st.size;
            entry.len = ok ? (size_t)got : 0;
            entry.ptr[entry.len] = '\0';
        }
        if (f)
            zip_fclose(f);
        if (!ok) {
            qt_fail(__FILE__, __LINE__, "%s: cannot read %s", what, name);
            continue;
        }
        xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
        xmlDocPtr doc =
            ctxt ? xmlCtxtReadMemory(ctxt, entry.ptr, (int)entry.len, name, NULL,
                                     XML_PARSE_NONET | XML_PARSE_NOWARNING | XML_PARSE_NOERROR)
                 : NULL;
        if (!doc || !ctxt->wellFormed || !ctxt->nsWellFormed)
            qt_fail(__FILE__, __LINE__, "%s: %s is not well-formed XML", what, name);
        xmlFreeDoc(doc);
        xmlFreeParserCtxt(ctxt);
    }
    qr_buf_release(&entry);
    zip_discard(za); /* frees src */
    zip_error_fini(&ze);
}

/* One input, as fuzz_text and fuzz_epub run it. */
static void S_run_one(const char *path, const qr_epub_options *opt)
{
    qr_buf file = QR_BUF_INIT, dump = QR_BUF_INIT, epub = QR_BUF_INIT;
    if (qt_read(path, &file) != 0) {
        qt_fail(__FILE__, __LINE__, "cannot read %s", path);
        return;
    }
    /* Exactly the bytes, with no NUL after them (as the fuzzers pass
     * them): under ASan, a read past the end is caught. */
    size_t len = file.len;
    char *bytes = xmalloc(len ? len : 1);
    memcpy(bytes, file.ptr, len);
    qr_buf_release(&file);
    qr_error err;
    qr_error_clear(&err);
    /* fuzz_text: the input as a book's first file, then as its second */
    qr_doc *doc = qr_doc_new();
    if (qr_read_text(doc, path, bytes, len, QR_READ_FIRST, &err) == 0) {
        if (qr_read_text(doc, path, bytes, len, 0, &err) < 0)
            qt_fail(__FILE__, __LINE__, "%s: read once, refused the second time: %s", path,
                    err.msg);
        qr_doc_dump(doc, &dump);
        CHECK(dump.len > 0);
    } else if (err.code != QR_EX_DATAERR || !err.msg[0]) {
        qt_fail(__FILE__, __LINE__, "%s: refused without a proper error (code %d)", path, err.code);
    }
    qr_doc_free(doc);
    /* fuzz_epub: the input alone, written as an EPUB */
    doc = qr_doc_new();
    qr_error_clear(&err);
    if (qr_read_text(doc, path, bytes, len, QR_READ_FIRST, &err) == 0) {
        if (qr_epub_write(doc, opt, &epub, &err) < 0)
            qt_fail(__FILE__, __LINE__, "%s: the EPUB writer failed: %s", path, err.msg);
        else
            S_check_epub(path, &epub);
    }
    qr_doc_free(doc);
    free(bytes);
    qr_buf_release(&dump);
    qr_buf_release(&epub);
}

static int S_cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Runs every file of dir, in name order; returns how many. */
static int S_run_dir(const char *dir, const qr_epub_options *opt)
{
    DIR *d = opendir(dir);
    if (!d) {
        qt_fail(__FILE__, __LINE__, "%s: cannot open (run from the repository root)", dir);
        return 0;
    }
    char **names = NULL;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (e->d_name[0] == '.' || (len > 3 && strcmp(e->d_name + len - 3, ".md") == 0))
            continue;
        names = xrealloc(names, sizeof(char *) * (size_t)(n + 1));
        names[n++] = xstrdup(e->d_name);
    }
    closedir(d);
    if (n > 1)
        qsort(names, (size_t)n, sizeof(char *), S_cmp_str);
    qr_buf path = QR_BUF_INIT;
    for (int i = 0; i < n; i++) {
        qr_buf_reset(&path);
        qr_buf_addf(&path, "%s/%s", dir, names[i]);
        if (qt_verbose())
            fprintf(stderr, "  %s\n", path.ptr);
        S_run_one(path.ptr, opt);
        free(names[i]);
    }
    free(names);
    qr_buf_release(&path);
    return n;
}

static void test_fuzz_inputs(void)
{
    qr_buf css = QR_BUF_INIT, font[QR_ARRAY_LEN(font_names)];
    qr_resource style, fonts[QR_ARRAY_LEN(font_names)];
    for (size_t i = 0; i < QR_ARRAY_LEN(font_names); i++)
        qr_buf_init(&font[i]);
    int loaded = qt_read("styles/epub.css", &css) == 0;
    for (size_t i = 0; i < QR_ARRAY_LEN(font_names) && loaded; i++) {
        char path[128];
        snprintf(path, sizeof path, "fonts/%s", font_names[i]);
        loaded = qt_read(path, &font[i]) == 0;
        fonts[i] = (qr_resource){font_names[i], font[i].ptr, font[i].len, "font/otf"};
    }
    if (!loaded) {
        qt_fail(__FILE__, __LINE__,
                "cannot read styles/ and fonts/ (run from the repository "
                "root)");
    } else {
        style = (qr_resource){"book.css", css.ptr, css.len, "text/css"};
        qr_epub_options opt = {
            .stylesheet = &style,
            .fonts = fonts,
            .n_fonts = (int)QR_ARRAY_LEN(font_names),
            .modified = 1609556645,
            .progress = NULL,
            .progress_ctx = NULL,
        };
        S_run_dir("tests/fuzz/regress", &opt);
        CHECK(S_run_dir("tests/fuzz/corpus_text", &opt) >= 10);
    }
    qr_buf_release(&css);
    for (size_t i = 0; i < QR_ARRAY_LEN(font_names); i++)
        qr_buf_release(&font[i]);
}

/* Owned: the dump of a regression input read as a book, or NULL. */
static char *S_dump(const char *name)
{
    qr_buf path = QR_BUF_INIT, data = QR_BUF_INIT, dump = QR_BUF_INIT;
    qr_buf_addf(&path, "tests/fuzz/regress/%s", name);
    qr_error err;
    qr_error_clear(&err);
    qr_doc *doc = qr_doc_new();
    if (qt_read(path.ptr, &data) != 0)
        qt_fail(__FILE__, __LINE__, "cannot read %s", path.ptr);
    else if (qr_read_text(doc, path.ptr, data.ptr, data.len, QR_READ_FIRST, &err) < 0)
        qt_fail(__FILE__, __LINE__, "%s: %s", path.ptr, err.msg);
    else
        qr_doc_dump(doc, &dump);
    qr_doc_free(doc);
    qr_buf_release(&path);
    qr_buf_release(&data);
    return dump.len ? qr_buf_detach(&dump, NULL) : NULL;
}

/* A "contents" whose entries never come again is text, kept. */
static void test_contents_kept(void)
{
    char *d = S_dump("contents-to-end.txt");
    CHECK_CONTAINS(d, "text \"CONTENTS\"");
    CHECK_CONTAINS(d, "text \"The first paragraph of the story, which is long enough.\"");
    CHECK_CONTAINS(d, "text \"Third paragraph here.\"");
    free(d);
}

/* Emphasis nests 8 deep at most (the paragraph is 2 deep in the dump, each
 * level indents by two spaces), and no word is lost on the way. */
static void test_emphasis_depth(void)
{
    char *d = S_dump("emph-nesting.txt");
    CHECK_CONTAINS(d, "\n                    emph\n"); /* 8 deep */
    CHECK(d && !strstr(d, "\n                      emph\n"));
    CHECK_CONTAINS(d, " _a b______"); /* the rest, as text */
    free(d);
    d = S_dump("emph-quadratic.txt");
    CHECK(d && !strstr(d, "emph"));
    free(d);
}

/* Every manifest in dir through the contract fuzz_manifest keeps
 * (tests/fuzz/manifest_check.h); returns how many were read. */
static int S_run_manifest_dir(const qf_project *p, const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) {
        qt_fail(__FILE__, __LINE__, "%s: cannot open (run from the repository root)", dir);
        return 0;
    }
    int n = 0;
    struct dirent *e;
    qr_buf path = QR_BUF_INIT, data = QR_BUF_INIT;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (e->d_name[0] == '.' || (len > 3 && strcmp(e->d_name + len - 3, ".md") == 0))
            continue;
        qr_buf_reset(&path);
        qr_buf_reset(&data);
        qr_buf_addf(&path, "%s/%s", dir, e->d_name);
        if (qt_read(path.ptr, &data) != 0) {
            qt_fail(__FILE__, __LINE__, "cannot read %s", path.ptr);
            continue;
        }
        char detail[1400];
        const char *broken =
            qf_manifest_check(p, (const uint8_t *)data.ptr, data.len, detail, sizeof detail);
        if (broken)
            qt_fail(__FILE__, __LINE__, "%s: %s\n  %s", path.ptr, broken, detail);
        n++;
    }
    closedir(d);
    qr_buf_release(&path);
    qr_buf_release(&data);
    return n;
}

/* book.yaml: the inputs fuzz_manifest found a bug with, and its seeds. */
static void test_manifest_inputs(void)
{
    qr_buf base = QR_BUF_INIT;
    qt_scratch("regress-manifest", &base);
    qf_project p;
    int level = qr_log_level();
    qr_log_set_level(QR_LOG_QUIET); /* unknown keys warn */
    if (qf_project_make(base.ptr, &p) != 0) {
        qt_fail(__FILE__, __LINE__, "cannot make the project in %s", base.ptr);
    } else {
        CHECK(S_run_manifest_dir(&p, "tests/fuzz/regress_manifest") >= 1);
        CHECK(S_run_manifest_dir(&p, "tests/fuzz/corpus_manifest") >= 10);
    }
    qr_log_set_level(level);
    qr_buf_release(&base);
}

/* The whole pipeline (tests/fuzz/book_check.h, as fuzz_book runs it) on
 * every file of dir but README.md, in name order; returns how many. */
static int S_run_book_dir(const qf_book_res *res, const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) {
        qt_fail(__FILE__, __LINE__, "%s: cannot open (run from the repository root)", dir);
        return 0;
    }
    char **names = NULL;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.' || strcmp(e->d_name, "README.md") == 0)
            continue;
        names = xrealloc(names, sizeof(char *) * (size_t)(n + 1));
        names[n++] = xstrdup(e->d_name);
    }
    closedir(d);
    if (n > 1)
        qsort(names, (size_t)n, sizeof(char *), S_cmp_str);
    qr_buf path = QR_BUF_INIT, data = QR_BUF_INIT;
    for (int i = 0; i < n; i++) {
        qr_buf_reset(&path);
        qr_buf_reset(&data);
        qr_buf_addf(&path, "%s/%s", dir, names[i]);
        if (qt_read(path.ptr, &data) != 0) {
            qt_fail(__FILE__, __LINE__, "cannot read %s", path.ptr);
        } else {
            /* exactly the bytes, no NUL after them, as the fuzzer passes them */
            uint8_t *bytes = xmalloc(data.len ? data.len : 1);
            memcpy(bytes, data.ptr, data.len);
            char detail[1200];
            const char *bad = qf_book_check(res, bytes, data.len, detail, sizeof detail);
            if (bad)
                qt_fail(__FILE__, __LINE__, "%s: %s: %s", path.ptr, bad, detail);
            free(bytes);
        }
        free(names[i]);
    }
    free(names);
    qr_buf_release(&path);
    qr_buf_release(&data);
    return n;
}

/* fuzz_book's regression inputs and its Markdown seeds: laid out, traced,
 * written as an EPUB with its page-list and as a PDF. */
static void test_book_inputs(void)
{
    qr_buf css = QR_BUF_INIT, mono = QR_BUF_INIT, font[QR_ARRAY_LEN(font_names)];
    qr_resource style, code, fonts[QR_ARRAY_LEN(font_names)];
    for (size_t i = 0; i < QR_ARRAY_LEN(font_names); i++)
        qr_buf_init(&font[i]);
    int loaded = qt_read("styles/epub.css", &css) == 0 &&
                 qt_read("fonts/NotoSansMono-Regular.ttf", &mono) == 0;
    for (size_t i = 0; i < QR_ARRAY_LEN(font_names) && loaded; i++) {
        char path[128];
        snprintf(path, sizeof path, "fonts/%s", font_names[i]);
        loaded = qt_read(path, &font[i]) == 0;
        fonts[i] = (qr_resource){font_names[i], font[i].ptr, font[i].len, "font/otf"};
    }
    int level = qr_log_level();
    qr_log_set_level(QR_LOG_QUIET); /* raw HTML, overfull lines warn */
    if (!loaded) {
        qt_fail(__FILE__, __LINE__, "cannot read styles/ and fonts/ (run from the repository root)");
    } else {
        style = (qr_resource){"book.css", css.ptr, css.len, "text/css"};
        code = (qr_resource){"NotoSansMono-Regular.ttf", mono.ptr, mono.len, "font/ttf"};
        qf_book_res res = {&style, fonts, (int)QR_ARRAY_LEN(fonts), &code, "fonts"};
        S_run_book_dir(&res, "tests/fuzz/regress_book");
        CHECK(S_run_book_dir(&res, "tests/fuzz/corpus_markdown") >= 10);
    }
    qr_log_set_level(level);
    qr_buf_release(&css);
    qr_buf_release(&mono);
    for (size_t i = 0; i < QR_ARRAY_LEN(font_names); i++)
        qr_buf_release(&font[i]);
}

void suite_regress(void)
{
    qt_case("regress/manifest-inputs", test_manifest_inputs);
    qt_case("regress/fuzz-inputs", test_fuzz_inputs);
    qt_case("regress/book-inputs", test_book_inputs);
    qt_case("regress/contents-kept", test_contents_kept);
    qt_case("regress/emphasis-depth", test_emphasis_depth);
}
