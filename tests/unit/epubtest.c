/* epubtest.c: helpers the EPUB unit suites share (epubtest.h). */
#include <stdio.h>
#include <zip.h>

#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "epubtest.h"

int qt_epub_res_load(qt_epub_res *r)
{
    static const char *const names[3] = {"EBGaramond12-Regular.otf", "EBGaramond12-Italic.otf",
                                         "EBGaramond12-Bold.otf"};
    qr_buf_init(&r->css);
    for (int i = 0; i < 3; i++)
        qr_buf_init(&r->font[i]);
    qr_buf_init(&r->mono);
    if (qt_read("styles/epub.css", &r->css) != 0) {
        qt_fail(__FILE__, __LINE__, "cannot read styles/epub.css (run from the repository root)");
        return -1;
    }
    r->style = (qr_resource){"book.css", r->css.ptr, r->css.len, "text/css"};
    for (int i = 0; i < 3; i++) {
        char path[128];
        snprintf(path, sizeof path, "fonts/%s", names[i]);
        if (qt_read(path, &r->font[i]) != 0) {
            qt_fail(__FILE__, __LINE__, "cannot read %s", path);
            return -1;
        }
        r->fonts[i] = (qr_resource){names[i], r->font[i].ptr, r->font[i].len, "font/otf"};
    }
    if (qt_read("fonts/NotoSansMono-Regular.ttf", &r->mono) != 0) {
        qt_fail(__FILE__, __LINE__, "cannot read fonts/NotoSansMono-Regular.ttf");
        return -1;
    }
    r->code_font = (qr_resource){"NotoSansMono-Regular.ttf", r->mono.ptr, r->mono.len, "font/ttf"};
    return 0;
}

void qt_epub_res_free(qt_epub_res *r)
{
    qr_buf_release(&r->css);
    for (int i = 0; i < 3; i++)
        qr_buf_release(&r->font[i]);
    qr_buf_release(&r->mono);
}

qr_epub_options qt_epub_res_options(const qt_epub_res *r, time_t modified, int code_font)
{
    qr_epub_options o = {
        .stylesheet = &r->style,
        .fonts = r->fonts,
        .n_fonts = 3,
        .code_font = code_font ? &r->code_font : NULL,
        .modified = modified,
    };
    return o;
}

void qt_text(qr_builder *b, const char *s)
{
    qr_builder_text(b, s, strlen(s));
}

void qt_para(qr_builder *b, const char *s)
{
    qr_builder_enter(b, QR_NODE_PARAGRAPH);
    qt_text(b, s);
    qr_builder_leave(b);
}

void qt_heading(qr_builder *b, int level, const char *s)
{
    qr_node *h = qr_builder_enter(b, QR_NODE_HEADING);
    qr_node_set_level(h, level);
    qt_text(b, s);
    qr_builder_leave(b);
}

int qt_zip_entry_mem(const qr_buf *zip, const char *name, qr_buf *out, int *method)
{
    zip_error_t ze;
    zip_error_init(&ze);
    int rc = -1;
    zip_source_t *src = zip_source_buffer_create(zip->ptr, zip->len, 0, &ze);
    zip_t *za = src ? zip_open_from_source(src, ZIP_RDONLY, &ze) : NULL;
    if (!za) {
        if (src)
            zip_source_free(src);
        goto done;
    }
    zip_stat_t st;
    if (method && zip_stat(za, name, 0, &st) == 0)
        *method = st.comp_method;
    zip_file_t *f = zip_fopen(za, name, 0);
    if (f) {
        char chunk[8192];
        zip_int64_t n;
        qr_buf_reset(out);
        while ((n = zip_fread(f, chunk, sizeof chunk)) > 0)
            qr_buf_add(out, chunk, (size_t)n);
        rc = n == 0 ? 0 : -1;
        zip_fclose(f);
    }
    zip_close(za);
done:
    zip_error_fini(&ze);
    return rc;
}

char *qt_xpath(const qr_buf *xml, const char *expr)
{
    xmlDocPtr d = xmlReadMemory(xml->ptr, (int)xml->len, "x.xml", NULL, XML_PARSE_NONET);
    if (!d)
        return xstrdup("(not well-formed)");
    xmlXPathContextPtr ctx = xmlXPathNewContext(d);
    xmlXPathRegisterNs(ctx, BAD_CAST "h", BAD_CAST "http://www.w3.org/1999/xhtml");
    xmlXPathRegisterNs(ctx, BAD_CAST "epub", BAD_CAST "http://www.idpf.org/2007/ops");
    xmlXPathRegisterNs(ctx, BAD_CAST "opf", BAD_CAST "http://www.idpf.org/2007/opf");
    xmlXPathRegisterNs(ctx, BAD_CAST "dc", BAD_CAST "http://purl.org/dc/elements/1.1/");
    xmlXPathRegisterNs(ctx, BAD_CAST "ncx", BAD_CAST "http://www.daisy.org/z3986/2005/ncx/");
    xmlXPathObjectPtr o = xmlXPathEvalExpression(BAD_CAST expr, ctx);
    xmlChar *s = o ? xmlXPathCastToString(o) : NULL;
    char *r = xstrdup(s ? (const char *)s : "(bad xpath)");
    xmlFree(s);
    xmlXPathFreeObject(o);
    xmlXPathFreeContext(ctx);
    xmlFreeDoc(d);
    return r;
}
