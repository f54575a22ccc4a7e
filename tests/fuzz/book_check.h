/*
 * book_check.h: the whole pipeline in memory, as `quire build` runs it on a
 * one-file book, and the promises it must keep. Shared by the fuzz target
 * (fuzz_book.c), which aborts on a broken promise, and by `make check`
 * (tests/unit/test_regress.c), which runs the seeds and the regression
 * inputs through it. Header only: every function is static.
 *
 * The input is read as Markdown (qr_read_markdown, QR_READ_FIRST |
 * QR_READ_SINGLE) or, when its first byte is odd, as plain text
 * (qr_read_text); images are not resolved (that reads files). A manuscript
 * the reader takes is laid out (qr_typeset with main.c's defaults and the
 * repository's fonts/), traced (qr_trace_write, the statistics), written as
 * an EPUB marking the layout's page starts (pagemap.h) and as a PDF, both
 * in memory. The promises:
 *   - each of those steps succeeds;
 *   - the page starts are in page order and go forward in document order,
 *     each inside its node's text, on a page with a folio;
 *   - the EPUB is a zip with `mimetype` first and stored; every XML entry
 *     is well-formed, namespace well-formed XML, with no id given twice;
 *   - every page start gets its marker in a chapter, and the nav's
 *     page-list lists them all;
 *   - the PDF begins with %PDF- and ends with %%EOF.
 */
#ifndef QF_BOOK_CHECK_H
#define QF_BOOK_CHECK_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include <libxml/hash.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "base/ptrmap.h"
#include "doc/doc.h"
#include "epub/epub.h"
#include "pdf/pdf.h"
#include "read/read.h"
#include "typeset/pagemap.h"
#include "typeset/typeset.h"

/* What the pipeline needs from the data folder (borrowed). */
typedef struct qf_book_res {
    const qr_resource *style;
    const qr_resource *fonts;
    int n_fonts;
    const qr_resource *code_font;
    const char *fonts_dir; /* DATADIR/fonts */
} qf_book_res;

/* A broken promise: what, and where (an entry's name), in detail[]. */
#define QF_FAIL(what, where)                                                                       \
    do {                                                                                           \
        snprintf(detail, detail_len, "%s: %s", (where), (what));                                  \
        goto fail;                                                                                 \
    } while (0)

/* Page starts: NULL, or what is wrong with them. */
static const char *qf_check_starts(const qr_layout *lay, const qr_doc *doc,
                                   const qr_page_start *st, size_t n)
{
    const char *bad = NULL;
    qr_ptrmap order = QR_PTRMAP_INIT;
    qr_iter it;
    qr_iter_init(&it, qr_doc_root(doc));
    qr_event ev;
    size_t k = 0;
    while ((ev = qr_iter_next(&it)) != QR_EV_DONE)
        if (ev == QR_EV_ENTER)
            qr_ptrmap_put(&order, qr_iter_node(&it), k++);
    size_t prev_node = 0, prev_off = 0;
    for (size_t i = 0; i < n && !bad; i++) {
        size_t at = 0, len = 0;
        qr_node_type t = st[i].node ? qr_node_get_type(st[i].node) : QR_NODE_NONE;
        if (st[i].page >= lay->n_pages)
            bad = "a page start on a page the layout does not have";
        else if (i > 0 && st[i].page <= st[i - 1].page)
            bad = "page starts out of page order";
        else if (!st[i].node || !qr_ptrmap_get(&order, st[i].node, &at))
            bad = "a page start in a node not in the document";
        else if (t != QR_NODE_TEXT && t != QR_NODE_CODE && t != QR_NODE_CODE_BLOCK)
            bad = "a page start in a node that is not text";
        else if (qr_node_text(st[i].node, &len), st[i].off >= len)
            bad = "a page start past its node's text";
        else if (i > 0 && (at < prev_node || (at == prev_node && st[i].off <= prev_off)))
            bad = "page starts going back in the document";
        else if (!lay->pages[st[i].page].folio[0])
            bad = "a page start on a page without a folio";
        prev_node = at;
        prev_off = st[i].off;
    }
    qr_ptrmap_free(&order);
    return bad;
}

typedef struct qf_counts {
    int markers;   /* epub:type="pagebreak" in the chapters */
    int page_list; /* entries of the nav's page-list */
    const char *dup_id;
} qf_counts;

static int qf_attr_is(xmlNodePtr node, const char *name, const char *ns, const char *value)
{
    xmlChar *v = ns ? xmlGetNsProp(node, (const xmlChar *)name, (const xmlChar *)ns)
                    : xmlGetNoNsProp(node, (const xmlChar *)name);
    int is = v && strcmp((const char *)v, value) == 0;
    xmlFree(v);
    return is;
}

#define QF_OPS_NS "http://www.idpf.org/2007/ops"

/* Walks the elements from node on: ids must be unique; counts markers and
 * page-list entries. Returns 0, or -1 on an id given twice. */
static int qf_walk(xmlNodePtr node, xmlHashTablePtr ids, qf_counts *c, int in_page_list)
{
    for (xmlNodePtr n = node; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        xmlChar *id = xmlGetNoNsProp(n, (const xmlChar *)"id");
        int dup = id && xmlHashAddEntry(ids, id, n) != 0;
        xmlFree(id);
        if (dup)
            return -1;
        if (qf_attr_is(n, "type", QF_OPS_NS, "pagebreak"))
            c->markers++;
        int pl = in_page_list || qf_attr_is(n, "type", QF_OPS_NS, "page-list");
        if (pl && strcmp((const char *)n->name, "li") == 0)
            c->page_list++;
        if (qf_walk(n->children, ids, c, pl) < 0)
            return -1;
    }
    return 0;
}

/* The EPUB in out: NULL, or what is wrong (entry name in detail). */
static const char *qf_check_epub(const qr_buf *out, qf_counts *c, char *detail, size_t detail_len)
{
    const char *bad = NULL;
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(out->ptr, out->len, 0, &ze);
    zip_t *za = src ? zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &ze) : NULL;
    qr_buf entry = QR_BUF_INIT;
    if (!za) {
        if (src)
            zip_source_free(src);
        snprintf(detail, detail_len, "%s", zip_error_strerror(&ze));
        zip_error_fini(&ze);
        return "the EPUB is not a zip";
    }
    zip_int64_t n = zip_get_num_entries(za, 0);
    const char *first = n > 0 ? zip_get_name(za, 0, 0) : NULL;
    zip_stat_t mst;
    if (!first || strcmp(first, "mimetype") != 0)
        bad = "the first entry is not mimetype";
    /* EPUB 3.3 OCF: mimetype is stored, not compressed */
    else if (zip_stat_index(za, 0, 0, &mst) < 0 || !(mst.valid & ZIP_STAT_COMP_METHOD) ||
             mst.comp_method != ZIP_CM_STORE)
        bad = "mimetype is compressed";
    for (zip_int64_t i = 0; i < n && !bad; i++) {
        const char *name = zip_get_name(za, (zip_uint64_t)i, 0);
        size_t nl = name ? strlen(name) : 0;
        if (!name) {
            bad = "an entry without a name";
            break;
        }
        if (!((nl > 6 && strcmp(name + nl - 6, ".xhtml") == 0) ||
              (nl > 4 && (strcmp(name + nl - 4, ".opf") == 0 || strcmp(name + nl - 4, ".ncx") == 0 ||
                          strcmp(name + nl - 4, ".xml") == 0))))
            continue;
        snprintf(detail, detail_len, "%s", name);
        zip_stat_t st;
        zip_file_t *f = NULL;
        if (zip_stat_index(za, (zip_uint64_t)i, 0, &st) < 0 || !(st.valid & ZIP_STAT_SIZE) ||
            !(f = zip_fopen_index(za, (zip_uint64_t)i, 0))) {
            bad = "an entry cannot be opened";
            break;
        }
        qr_buf_reset(&entry);
        qr_buf_grow(&entry, (size_t)st.size);
        zip_int64_t got = zip_fread(f, entry.ptr, st.size);
        zip_fclose(f);
        if (got < 0 || (zip_uint64_t)got != st.size) {
            bad = "an entry cannot be read";
            break;
        }
        entry.len = (size_t)got;
        entry.ptr[entry.len] = '\0';
        xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
        xmlDocPtr doc = ctxt ? xmlCtxtReadMemory(ctxt, entry.ptr, (int)entry.len, name, NULL,
                                                 XML_PARSE_NONET | XML_PARSE_NOWARNING |
                                                     XML_PARSE_NOERROR | XML_PARSE_HUGE)
                             : NULL;
        if (!doc || !ctxt->wellFormed || !ctxt->nsWellFormed) {
            bad = "an entry is not well-formed XML";
        } else {
            xmlHashTablePtr ids = xmlHashCreate(64);
            if (qf_walk(xmlDocGetRootElement(doc), ids, c, 0) < 0)
                bad = "an entry gives an id twice";
            xmlHashFree(ids, NULL);
        }
        xmlFreeDoc(doc);
        xmlFreeParserCtxt(ctxt);
    }
    qr_buf_release(&entry);
    zip_discard(za); /* frees src */
    zip_error_fini(&ze);
    return bad;
}

/*
 * Runs the input through the whole pipeline. Returns NULL when every
 * promise holds (a manuscript the reader refused is fine: its error is a
 * DATAERR with a message), else what was broken, with details in detail.
 */
static const char *qf_book_check(const qf_book_res *res, const uint8_t *data, size_t size,
                                 char *detail, size_t detail_len)
{
    const char *bad = NULL;
    qr_doc *doc = qr_doc_new();
    qr_layout *lay = NULL;
    qr_epub_page *pages = NULL;
    qr_buf out = QR_BUF_INIT, text = QR_BUF_INIT;
    qr_error err;
    qr_error_clear(&err);
    detail[0] = '\0';
    const char *s = (const char *)data;
    int rc = size > 0 && (data[0] & 1)
                 ? qr_read_text(doc, "fuzz.txt", s, size, QR_READ_FIRST | QR_READ_SINGLE, &err)
                 : qr_read_markdown(doc, "fuzz.md", s, size, QR_READ_FIRST | QR_READ_SINGLE,
                                    &err);
    if (rc < 0) {
        if (err.code != QR_EX_DATAERR || !err.msg[0])
            QF_FAIL(err.msg, "refused without a proper error");
        goto done;
    }
    qr_read_smarten_meta(doc);

    /* the print layout, with main.c's defaults */
    qr_print_options po;
    qr_print_options_default(&po);
    po.breaking.emergency_stretch = 1.5 * po.font_size;
    po.fonts_dir = res->fonts_dir;
    lay = qr_typeset(doc, &po, &err);
    if (!lay)
        QF_FAIL(err.msg, "qr_typeset failed");
    qr_trace_write(lay, &text);
    qr_layout_stats_print(lay, &text);
    if (text.len == 0)
        QF_FAIL("an empty trace", "the layout");

    /* the page starts, then the EPUB marking them (main.c's S_pages) */
    size_t n_starts;
    qr_page_start *st = qr_layout_page_starts(lay, doc, &n_starts);
    const char *why = qf_check_starts(lay, doc, st, n_starts);
    if (why) {
        free(st);
        QF_FAIL(why, "pagemap");
    }
    pages = n_starts ? xmalloc(n_starts * sizeof *pages) : NULL;
    for (size_t i = 0; i < n_starts; i++) {
        pages[i].node = st[i].node;
        pages[i].off = st[i].off;
        pages[i].label = lay->pages[st[i].page].folio;
    }
    free(st);
    qr_epub_options opt = {
        .stylesheet = res->style,
        .fonts = res->fonts,
        .n_fonts = res->n_fonts,
        .code_font = res->code_font,
        .modified = 1609556645, /* 2021-01-02T03:04:05Z */
        .pages = pages,
        .n_pages = (int)n_starts,
        .a11y = NULL,
        .progress = NULL,
        .progress_ctx = NULL,
    };
    if (qr_epub_write(doc, &opt, &out, &err) < 0)
        QF_FAIL(err.msg, "qr_epub_write failed");
    qf_counts c = {0, 0, NULL};
    why = qf_check_epub(&out, &c, detail, detail_len);
    if (why) {
        bad = why;
        goto done;
    }
    if ((size_t)c.markers != n_starts || (size_t)c.page_list != n_starts) {
        snprintf(detail, detail_len, "%zu page starts, %d markers, %d page-list entries",
                 n_starts, c.markers, c.page_list);
        bad = "page markers lost in the EPUB";
        goto done;
    }

    /* the PDF */
    qr_buf_reset(&out);
    if (qr_pdf_write(lay, doc, 1609556645, &out, &err) < 0)
        QF_FAIL(err.msg, "qr_pdf_write failed");
    size_t n = out.len;
    while (n > 0 && (out.ptr[n - 1] == '\n' || out.ptr[n - 1] == '\r'))
        n--;
    if (out.len < 16 || memcmp(out.ptr, "%PDF-", 5) != 0 || n < 5 ||
        memcmp(out.ptr + n - 5, "%%EOF", 5) != 0)
        QF_FAIL("not a whole PDF", "the PDF");
    goto done;
fail:
    bad = "a step failed";
done:
    free(pages);
    qr_buf_release(&out);
    qr_buf_release(&text);
    qr_layout_free(lay);
    qr_doc_free(doc);
    return bad;
}

#undef QF_FAIL

#endif
