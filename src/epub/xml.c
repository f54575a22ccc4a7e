/*
 * xml.c: qr_xw, a thin layer over libxml2's xmlTextWriter that writes into
 * a qr_buf. Markup and escaping are libxml2's (STYLE.md 9); this file only
 * keeps characters out that XML 1.0 does not allow, and counts failures so
 * callers check once at the end.
 */
#include <stdio.h>
#include <string.h>

#include "epub_internal.h"

/* xmlOutputBuffer callbacks: append to the qr_buf given as context. */
static int S_write_cb(void *ctx, const char *data, int len)
{
    if (len > 0)
        qr_buf_add(ctx, data, (size_t)len);
    return len;
}

static int S_close_cb(void *ctx)
{
    QR_UNUSED(ctx);
    return 0;
}

void qr_xw_init(qr_xw *x)
{
    x->w = NULL;
    qr_buf_init(&x->scratch);
    x->failed = 0;
}

void qr_xw_release(qr_xw *x)
{
    if (x->w)
        xmlFreeTextWriter(x->w);
    x->w = NULL;
    qr_buf_release(&x->scratch);
}

int qr_xw_begin(qr_xw *x, qr_buf *out, qr_error *err)
{
    x->failed = 0;
    /* EPUB 3.3: XML documents are encoded in UTF-8 (or UTF-16); the model's
     * text is UTF-8 and goes through unchanged. */
    xmlOutputBufferPtr ob = xmlOutputBufferCreateIO(S_write_cb, S_close_cb, out, NULL);
    if (!ob) {
        x->failed = 1;
        return qr_error_set(err, QR_EX_SOFTWARE, NULL, 0, 0,
                            "libxml2 could not create an output buffer");
    }
    /* The writer owns ob once created; if creation fails, ob is still ours. */
    x->w = xmlNewTextWriter(ob);
    if (!x->w) {
        xmlOutputBufferClose(ob);
        x->failed = 1;
        return qr_error_set(err, QR_EX_SOFTWARE, NULL, 0, 0,
                            "libxml2 could not create a text writer");
    }
    if (xmlTextWriterStartDocument(x->w, "1.0", "UTF-8", NULL) < 0)
        x->failed = 1;
    return 0;
}

int qr_xw_end(qr_xw *x, const char *what, qr_error *err)
{
    if (x->w) {
        if (!x->failed && xmlTextWriterEndDocument(x->w) < 0)
            x->failed = 1;
        if (!x->failed && xmlTextWriterFlush(x->w) < 0)
            x->failed = 1;
        xmlFreeTextWriter(x->w); /* closes the output buffer */
        x->w = NULL;
    }
    if (x->failed)
        return qr_error_set(err, QR_EX_SOFTWARE, NULL, 0, 0, "libxml2 failed to write %s", what);
    return 0;
}

void qr_xw_doctype_html(qr_xw *x)
{
    /* HTML (XHTML syntax): the doctype is optional; EPUB 3.3 reading systems
     * and EPUBCheck accept <!DOCTYPE html>. */
    if (!x->failed && xmlTextWriterWriteDTD(x->w, BAD_CAST "html", NULL, NULL, NULL) < 0)
        x->failed = 1;
    qr_xw_nl(x);
}

void qr_xw_start(qr_xw *x, const char *name)
{
    if (!x->failed && xmlTextWriterStartElement(x->w, BAD_CAST name) < 0)
        x->failed = 1;
}

void qr_xw_close(qr_xw *x)
{
    if (!x->failed && xmlTextWriterEndElement(x->w) < 0)
        x->failed = 1;
}

/* Decodes one UTF-8 sequence at s (n bytes available). Returns its length,
 * or 0 if it is malformed (overlong, surrogate, out of range, truncated). */
static size_t S_utf8_seq(const unsigned char *s, size_t n, uint32_t *cp)
{
    unsigned char c = s[0];
    size_t len;
    uint32_t v, min;
    if (c < 0xC2)
        return 0;
    if (c < 0xE0) {
        len = 2;
        v = c & 0x1F;
        min = 0x80;
    } else if (c < 0xF0) {
        len = 3;
        v = c & 0x0F;
        min = 0x800;
    } else if (c < 0xF5) {
        len = 4;
        v = c & 0x07;
        min = 0x10000;
    } else {
        return 0;
    }
    if (len > n)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        v = v << 6 | (s[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return len;
}

/* Borrowed (x->scratch, valid until the next call): s[0..len) keeping only
 * XML 1.0 characters (XML 1.0 section 2.2, production [2] Char) less the
 * control characters HTML forbids in text (C0 but tab and line feed, so CR
 * too, DEL, C1); bad UTF-8 becomes U+FFFD. */
static const char *S_clean(qr_xw *x, const char *s, size_t len)
{
    qr_buf *b = &x->scratch;
    qr_buf_reset(b);
    qr_buf_grow(b, len);
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        /* the common case: a run of printable ASCII, tab and newline */
        size_t j = i;
        while (j < len && ((p[j] >= 0x20 && p[j] < 0x7F) || p[j] == '\n' || p[j] == '\t'))
            j++;
        if (j > i) {
            if (b->len + (j - i) >= b->cap)
                qr_buf_grow(b, j - i);
            memcpy(b->ptr + b->len, p + i, j - i);
            b->len += j - i;
            i = j;
            if (i >= len)
                break;
        }
        unsigned char c = p[i];
        if (c < 0x80) { /* other C0 controls, DEL: dropped */
            i++;
            continue;
        }
        uint32_t cp;
        size_t n = S_utf8_seq(p + i, len - i, &cp);
        if (n == 0) {
            b->ptr[b->len] = '\0';
            qr_buf_add_utf8(b, 0xFFFD);
            i++;
            continue;
        }
        if (!((cp >= 0x80 && cp <= 0x9F) || cp == 0xFFFE || cp == 0xFFFF)) {
            if (b->len + n >= b->cap)
                qr_buf_grow(b, n);
            memcpy(b->ptr + b->len, p + i, n);
            b->len += n;
        }
        i += n;
    }
    b->ptr[b->len] = '\0';
    return b->ptr;
}

void qr_xw_attr(qr_xw *x, const char *name, const char *value)
{
    if (x->failed)
        return;
    const char *v = S_clean(x, value, strlen(value));
    if (xmlTextWriterWriteAttribute(x->w, BAD_CAST name, BAD_CAST v) < 0)
        x->failed = 1;
}

void qr_xw_attr_int(qr_xw *x, const char *name, long value)
{
    char num[32];
    snprintf(num, sizeof num, "%ld", value);
    qr_xw_attr(x, name, num);
}

void qr_xw_text(qr_xw *x, const char *s, size_t len)
{
    if (x->failed || len == 0)
        return;
    const char *v = S_clean(x, s, len);
    if (*v && xmlTextWriterWriteString(x->w, BAD_CAST v) < 0)
        x->failed = 1;
}

void qr_xw_texts(qr_xw *x, const char *s)
{
    qr_xw_text(x, s, strlen(s));
}

void qr_xw_nl(qr_xw *x)
{
    if (!x->failed && xmlTextWriterWriteString(x->w, BAD_CAST "\n") < 0)
        x->failed = 1;
}

void qr_xw_element(qr_xw *x, const char *name, const char *text)
{
    qr_xw_start(x, name);
    qr_xw_texts(x, text);
    qr_xw_close(x);
}
