/*
 * fuzz_epub.c: libFuzzer target for the whole pipeline in memory:
 * qr_read_text -> qr_epub_write with the real stylesheet and fonts (loaded
 * once, from the repository: run from its root, or set QUIRE_DATADIR).
 * The result must be a zip whose first entry is `mimetype`, stored, and
 * every XML entry (.xhtml, .opf, .ncx, .xml) must parse as well-formed,
 * namespace well-formed XML; otherwise the target aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include <libxml/parser.h>

#include "doc/doc.h"
#include "epub/epub.h"
#include "read/read.h"
#include "resources.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* Loaded once, kept for the life of the process. */
static qf_resources rs;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    QR_UNUSED(argc);
    QR_UNUSED(argv);
    qr_log_set_level(QR_LOG_QUIET);
    qf_resources_load(&rs, "fuzz_epub");
    xmlInitParser();
    return 0;
}

static int S_has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

static void S_die(const char *what, const char *name)
{
    fprintf(stderr, "fuzz_epub: %s: %s\n", name, what);
    abort();
}

/* Aborts unless the bytes are well-formed, namespace-well-formed XML. */
static void S_check_xml(const char *name, const char *data, size_t len)
{
    xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
    if (!ctxt)
        S_die("libxml2 could not make a parser", name);
    xmlDocPtr doc =
        xmlCtxtReadMemory(ctxt, data, (int)len, name, NULL, XML_PARSE_NONET | XML_PARSE_NOWARNING);
    int ok = doc && ctxt->wellFormed && ctxt->nsWellFormed;
    xmlFreeDoc(doc);
    xmlFreeParserCtxt(ctxt);
    if (!ok) {
        fprintf(stderr, "%.*s\n", (int)(len < 4000 ? len : 4000), data);
        S_die("not well-formed XML", name);
    }
}

/* Aborts unless out is a zip with `mimetype` first and well-formed XML. */
static void S_check_epub(const qr_buf *out)
{
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(out->ptr, out->len, 0, &ze);
    if (!src)
        S_die(zip_error_strerror(&ze), "the EPUB");
    zip_t *za = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &ze);
    if (!za)
        S_die(zip_error_strerror(&ze), "the EPUB (not a zip)");
    zip_int64_t n = zip_get_num_entries(za, 0);
    const char *first = n > 0 ? zip_get_name(za, 0, 0) : NULL;
    if (!first || strcmp(first, "mimetype") != 0)
        S_die("the first entry is not mimetype", "the EPUB");
    /* EPUB 3.3 OCF: mimetype is stored, not compressed */
    zip_stat_t mst;
    if (zip_stat_index(za, 0, 0, &mst) < 0 || !(mst.valid & ZIP_STAT_COMP_METHOD) ||
        mst.comp_method != ZIP_CM_STORE)
        S_die("mimetype is compressed", "the EPUB");
    qr_buf entry = QR_BUF_INIT;
    for (zip_int64_t i = 0; i < n; i++) {
        const char *name = zip_get_name(za, (zip_uint64_t)i, 0);
        if (!name)
            S_die("an entry without a name", "the EPUB");
        if (!(S_has_suffix(name, ".xhtml") || S_has_suffix(name, ".opf") ||
              S_has_suffix(name, ".ncx") || S_has_suffix(name, ".xml")))
            continue;
        zip_stat_t st;
        if (zip_stat_index(za, (zip_uint64_t)i, 0, &st) < 0 || !(st.valid & ZIP_STAT_SIZE))
            S_die("cannot stat", name);
        zip_file_t *f = zip_fopen_index(za, (zip_uint64_t)i, 0);
        if (!f)
            S_die("cannot open", name);
        qr_buf_reset(&entry);
        qr_buf_grow(&entry, (size_t)st.size);
        zip_int64_t got = zip_fread(f, entry.ptr, st.size);
        zip_fclose(f);
        if (got < 0 || (zip_uint64_t)got != st.size)
            S_die("cannot read", name);
        entry.len = (size_t)got;
        entry.ptr[entry.len] = '\0';
        S_check_xml(name, entry.ptr, entry.len);
    }
    qr_buf_release(&entry);
    zip_discard(za); /* frees src */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    qr_doc *doc = qr_doc_new();
    qr_error err;
    qr_error_clear(&err);
    if (qr_read_text(doc, "fuzz.txt", (const char *)data, size, QR_READ_FIRST, &err) == 0) {
        qr_epub_options opt = {
            .stylesheet = &rs.style,
            .fonts = rs.fonts,
            .n_fonts = 3,
            .modified = 1609556645, /* 2021-01-02T03:04:05Z */
            .progress = NULL,
            .progress_ctx = NULL,
        };
        qr_buf out = QR_BUF_INIT;
        if (qr_epub_write(doc, &opt, &out, &err) < 0) {
            fprintf(stderr, "fuzz_epub: qr_epub_write failed: %s\n", err.msg);
            abort();
        }
        S_check_epub(&out);
        qr_buf_release(&out);
    }
    qr_doc_free(doc);
    return 0;
}
