/* epubread.c: reading an EPUB back for tests: entries, the spine, its text. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <zip.h>

#include "test.h"

int qt_epub_entry(const char *epub, const char *name, qr_buf *out)
{
    int zerr;
    zip_t *z = zip_open(epub, ZIP_RDONLY, &zerr);
    if (!z)
        return -1;
    zip_stat_t st;
    int rc = -1;
    if (zip_stat(z, name, 0, &st) == 0) {
        zip_file_t *f = zip_fopen(z, name, 0);
        if (f) {
            qr_buf_grow(out, (size_t)st.size);
            zip_int64_t n = zip_fread(f, out->ptr + out->len, st.size);
            if (n == (zip_int64_t)st.size) {
                out->len += (size_t)n;
                out->ptr[out->len] = '\0';
                rc = 0;
            }
            zip_fclose(f);
        }
    }
    zip_close(z);
    return rc;
}

static xmlNode *S_find(xmlNode *n, const char *name)
{
    for (; n; n = n->next) {
        if (n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0)
            return n;
        xmlNode *c = S_find(n->children, name);
        if (c)
            return c;
    }
    return NULL;
}

static char *S_attr(xmlNode *n, const char *name)
{
    return (char *)xmlGetProp(n, (const xmlChar *)name);
}

/* Appends the text of every element below n, with a space between blocks. */
static void S_text(xmlNode *n, qr_buf *out)
{
    for (; n; n = n->next) {
        if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
            qr_buf_adds(out, (const char *)n->content);
        } else if (n->type == XML_ELEMENT_NODE) {
            xmlChar *role = xmlGetProp(n, (const xmlChar *)"role");
            int marker = role && strcmp((const char *)role, "doc-pagebreak") == 0;
            int call = role && strcmp((const char *)role, "doc-noteref") == 0;
            xmlFree(role);
            if (marker)
                continue; /* a print page's marker: empty, and no word boundary */
            if (call) {
                qr_buf_addc(out, ' '); /* a note's number: no word of the text */
                continue;
            }
            if (strcmp((const char *)n->name, "br") == 0)
                qr_buf_addc(out, '\n');
            S_text(n->children, out);
            qr_buf_addc(out, ' ');
        }
    }
}

int qt_epub_spine_text(const char *epub, qr_buf *nav, qr_buf *text, qr_buf *opf_out,
                       int *n_docs)
{
    qr_buf container = QR_BUF_INIT, opf = QR_BUF_INIT, doc = QR_BUF_INIT;
    xmlDoc *cx = NULL, *ox = NULL;
    int rc = -1;
    *n_docs = 0;
    if (qt_epub_entry(epub, "META-INF/container.xml", &container) < 0)
        goto done;
    cx = xmlReadMemory(container.ptr, (int)container.len, "container.xml", NULL, XML_PARSE_NONET);
    xmlNode *rootfile = cx ? S_find(xmlDocGetRootElement(cx), "rootfile") : NULL;
    char *opf_path = rootfile ? S_attr(rootfile, "full-path") : NULL;
    if (!opf_path)
        goto done;
    char base[1024];
    snprintf(base, sizeof base, "%s", opf_path);
    char *slash = strrchr(base, '/');
    if (slash)
        slash[1] = '\0';
    else
        base[0] = '\0';
    int ok = qt_epub_entry(epub, opf_path, &opf) == 0;
    xmlFree(opf_path);
    if (!ok)
        goto done;
    if (opf_out)
        qr_buf_add(opf_out, opf.ptr, opf.len);
    ox = xmlReadMemory(opf.ptr, (int)opf.len, "package.opf", NULL, XML_PARSE_NONET);
    if (!ox)
        goto done;
    xmlNode *manifest = S_find(xmlDocGetRootElement(ox), "manifest");
    xmlNode *spine = S_find(xmlDocGetRootElement(ox), "spine");
    if (!manifest || !spine)
        goto done;
    /* the nav first, then the spine */
    for (int pass = 0; pass < 2; pass++) {
        for (xmlNode *ref = spine->children; ref; ref = ref->next) {
            if (ref->type != XML_ELEMENT_NODE)
                continue;
            char *idref = S_attr(ref, "idref");
            for (xmlNode *item = manifest->children; item && idref; item = item->next) {
                if (item->type != XML_ELEMENT_NODE)
                    continue;
                char *id = S_attr(item, "id");
                char *href = S_attr(item, "href");
                char *props = S_attr(item, "properties");
                int is_nav = props && strstr(props, "nav");
                if (id && href && strcmp(id, idref) == 0 && (pass == 0) == !!is_nav) {
                    char path[2048];
                    snprintf(path, sizeof path, "%s%s", base, href);
                    qr_buf_reset(&doc);
                    if (qt_epub_entry(epub, path, &doc) == 0) {
                        xmlDoc *dx = xmlReadMemory(doc.ptr, (int)doc.len, path, NULL,
                                                   XML_PARSE_NONET);
                        if (dx) {
                            qr_buf *to = pass == 0 ? nav : text;
                            S_text(S_find(xmlDocGetRootElement(dx), "body"), to);
                            qr_buf_addc(to, '\n');
                            xmlFreeDoc(dx);
                            (*n_docs)++;
                        }
                    }
                }
                xmlFree(id);
                xmlFree(href);
                xmlFree(props);
            }
            xmlFree(idref);
        }
    }
    rc = 0;
done:
    xmlFreeDoc(cx);
    xmlFreeDoc(ox);
    qr_buf_release(&container);
    qr_buf_release(&opf);
    qr_buf_release(&doc);
    return rc;
}

/* A word: a run of letters and digits (any script); punctuation, spaces and
 * symbols separate words. */
int qt_word_cp(uint32_t c)
{
    if (c < 0x80)
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if ((c >= 0x2000 && c <= 0x2BFF) || (c >= 0x3000 && c <= 0x303F) ||
        (c >= 0xFF00 && c <= 0xFF0F) || (c >= 0xFF1A && c <= 0xFF20) ||
        (c >= 0xFF3B && c <= 0xFF40) || (c >= 0xFF5B && c <= 0xFF65) || c == 0xFEFF ||
        c == 0xA0 || c == 0xD7 || c == 0xF7 || (c >= 0xA1 && c <= 0xBF))
        return 0;
    return 1;
}

static size_t S_next_word(const char *s, size_t len, size_t *i)
{
    while (*i < len) {
        uint32_t c;
        int n = qr_utf8_decode(s + *i, len - *i, &c);
        if (qt_word_cp(c))
            break;
        *i += (size_t)n;
    }
    size_t start = *i;
    while (*i < len) {
        uint32_t c;
        int n = qr_utf8_decode(s + *i, len - *i, &c);
        if (!qt_word_cp(c))
            break;
        *i += (size_t)n;
    }
    return *i - start;
}

long qt_words_in_order(const char *src, size_t src_len, const char *text, size_t text_len,
                       char *missing, size_t missing_size)
{
    size_t i = 0, j = 0;
    long words = 0;
    for (;;) {
        size_t wl = S_next_word(src, src_len, &i);
        if (wl == 0)
            return words;
        const char *w = src + i - wl;
        /* find w as a whole word at or after j */
        for (;;) {
            size_t tl = S_next_word(text, text_len, &j);
            if (tl == 0) {
                snprintf(missing, missing_size, "%.*s (word %ld, at byte %zu of the source)",
                         (int)(wl > 60 ? 60 : wl), w, words + 1, i - wl);
                return -1;
            }
            /* ASCII case aside: a printed "CONTENTS" is the nav's "Contents" */
            if (tl == wl && strncasecmp(text + j - tl, w, wl) == 0)
                break;
        }
        words++;
    }
}
