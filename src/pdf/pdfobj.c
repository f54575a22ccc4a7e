/* pdfobj.c: reading back a PDF's objects (see pdfobj.h). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "pdfobj.h"

static int S_is_ws(char c)
{
    return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == '\0';
}

static int S_is_delim(char c)
{
    return c == '(' || c == ')' || c == '<' || c == '>' || c == '[' || c == ']' || c == '{' ||
           c == '}' || c == '/' || c == '%';
}

const char *qr_pdf_ws(const char *p, const char *e)
{
    while (p < e) {
        if (S_is_ws(*p)) {
            p++;
        } else if (*p == '%') {
            while (p < e && *p != '\n' && *p != '\r')
                p++;
        } else {
            break;
        }
    }
    return p;
}

/* The end of a regular token (a number, a keyword, a name's characters). */
static const char *S_token(const char *p, const char *e)
{
    while (p < e && !S_is_ws(*p) && !S_is_delim(*p))
        p++;
    return p;
}

static int S_is_uint(const char *b, const char *e)
{
    if (b == e)
        return 0;
    for (; b < e; b++)
        if (*b < '0' || *b > '9')
            return 0;
    return 1;
}

static const char *S_skip(const char *p, const char *e, int depth);

/* One object, not looking for "N G R" after an integer; depth bounds the
 * nesting of arrays and dictionaries (a hostile file's "[[[[..."). */
static const char *S_skip1(const char *p, const char *e, int depth)
{
    p = qr_pdf_ws(p, e);
    if (p >= e || depth > 64)
        return e;
    switch (*p) {
    case '(': {
        int nest = 0;
        for (; p < e; p++) {
            if (*p == '\\')
                p++;
            else if (*p == '(')
                nest++;
            else if (*p == ')' && --nest == 0)
                return p + 1;
        }
        return e;
    }
    case '<':
        if (p + 1 < e && p[1] == '<') {
            p += 2;
            for (;;) {
                p = qr_pdf_ws(p, e);
                if (p >= e)
                    return e;
                if (p + 1 < e && p[0] == '>' && p[1] == '>')
                    return p + 2;
                const char *q = S_skip(p, e, depth + 1);
                if (q == p)
                    return e;
                p = q;
            }
        }
        p = memchr(p, '>', (size_t)(e - p));
        return p ? p + 1 : e;
    case '[':
        p++;
        for (;;) {
            p = qr_pdf_ws(p, e);
            if (p >= e)
                return e;
            if (*p == ']')
                return p + 1;
            const char *q = S_skip(p, e, depth + 1);
            if (q == p)
                return e;
            p = q;
        }
    case '/':
        return S_token(p + 1, e);
    case ')':
    case '>':
    case ']':
    case '{':
    case '}':
        return p + 1;
    default:
        return S_token(p, e);
    }
}

const char *qr_pdf_skip(const char *p, const char *e)
{
    return S_skip(p, e, 0);
}

static const char *S_skip(const char *p, const char *e, int depth)
{
    p = qr_pdf_ws(p, e);
    const char *end = S_skip1(p, e, depth);
    if (!S_is_uint(p, end))
        return end;
    /* "N G R": a reference */
    const char *g = qr_pdf_ws(end, e), *ge = S_token(g, e);
    if (!S_is_uint(g, ge))
        return end;
    const char *r = qr_pdf_ws(ge, e), *re = S_token(r, e);
    if (re - r == 1 && *r == 'R')
        return re;
    return end;
}

int qr_pdf_dict(qr_span body, qr_span *dict)
{
    const char *p = qr_pdf_ws(body.b, body.e);
    if (body.e - p < 4 || p[0] != '<' || p[1] != '<')
        return -1;
    const char *end = qr_pdf_skip(p, body.e);
    if (end - p < 4 || end[-1] != '>' || end[-2] != '>')
        return -1;
    dict->b = p + 2;
    dict->e = end - 2;
    return 0;
}

void qr_pdf_each(qr_span dict, void (*fn)(void *ctx, qr_span key, qr_span value), void *ctx)
{
    const char *p = dict.b, *e = dict.e;
    for (;;) {
        p = qr_pdf_ws(p, e);
        if (p >= e || *p != '/')
            return;
        qr_span key = {p, S_token(p + 1, e)};
        const char *vb = qr_pdf_ws(key.e, e);
        const char *ve = qr_pdf_skip(vb, e);
        if (ve == vb)
            return;
        fn(ctx, key, (qr_span){vb, ve});
        p = ve;
    }
}

typedef struct S_find_ctx {
    const char *key;
    size_t n;
    qr_span *out;
    int found;
} S_find_ctx;

static void S_find_fn(void *ctx, qr_span key, qr_span value)
{
    S_find_ctx *c = ctx;
    /* key is "/Name" */
    if (!c->found && (size_t)(key.e - key.b) == c->n + 1 && memcmp(key.b + 1, c->key, c->n) == 0) {
        *c->out = value;
        c->found = 1;
    }
}

int qr_pdf_get(qr_span dict, const char *key, qr_span *value)
{
    S_find_ctx c = {key, strlen(key), value, 0};
    qr_pdf_each(dict, S_find_fn, &c);
    return c.found ? 0 : -1;
}

unsigned long qr_pdf_ref(qr_span v)
{
    const char *p = qr_pdf_ws(v.b, v.e);
    if (v.e - p < 5 || v.e[-1] != 'R')
        return 0;
    return strtoul(p, NULL, 10);
}

double qr_pdf_num(qr_span v, double dflt)
{
    const char *p = qr_pdf_ws(v.b, v.e);
    if (p >= v.e || !((*p >= '0' && *p <= '9') || *p == '-' || *p == '+' || *p == '.'))
        return dflt;
    char tmp[64];
    size_t n = (size_t)(v.e - p) < sizeof tmp - 1 ? (size_t)(v.e - p) : sizeof tmp - 1;
    memcpy(tmp, p, n);
    tmp[n] = '\0';
    return strtod(tmp, NULL);
}

int qr_pdf_is_name(qr_span v, const char *name)
{
    const char *p = qr_pdf_ws(v.b, v.e);
    size_t n = strlen(name);
    return p < v.e && *p == '/' && (size_t)(S_token(p + 1, v.e) - (p + 1)) == n &&
           memcmp(p + 1, name, n) == 0;
}

/* A trailer's /Key N value as a number, or 0. */
static unsigned long S_trailer_num(qr_span t, const char *key)
{
    qr_span v;
    if (qr_pdf_get(t, key, &v) < 0)
        return 0;
    return strtoul(qr_pdf_ws(v.b, v.e), NULL, 10);
}

/* Reads the cross-reference table at xref and its trailer into f (entries
 * already set by a newer table win); *prev gets the trailer's /Prev. */
static int S_read_xref(qr_pdf_file *f, size_t xref, size_t *prev, int newest)
{
    if (xref > f->len || f->len - xref < 4)
        return -1;
    const char *e = f->p + f->len, *p = f->p + xref;
    if (memcmp(p, "xref", 4) != 0)
        return -1;
    p += 4;
    for (;;) {
        p = qr_pdf_ws(p, e);
        if (e - p >= 7 && memcmp(p, "trailer", 7) == 0)
            break;
        char *q;
        unsigned long first = strtoul(p, &q, 10);
        if (q == p)
            return -1;
        unsigned long count = strtoul(q, &q, 10);
        p = q;
        for (unsigned long i = 0; i < count; i++) {
            p = qr_pdf_ws(p, e);
            size_t off = strtoull(p, &q, 10);
            if (q == p)
                return -1;
            strtoul(q, &q, 10);
            p = qr_pdf_ws(q, e);
            if (p >= e)
                return -1;
            char kind = *p++;
            unsigned long num = first + i;
            if (num < f->size && kind == 'n' && f->off[num] == (size_t)-1)
                f->off[num] = off;
            else if (num < f->size && kind == 'f' && f->off[num] == (size_t)-1)
                f->off[num] = 0;
        }
    }
    qr_span body = {p + 7, e}, t;
    if (qr_pdf_dict(body, &t) < 0)
        return -1;
    qr_span v;
    if (qr_pdf_get(t, "XRefStm", &v) == 0)
        return -1;
    *prev = qr_pdf_get(t, "Prev", &v) == 0 ? strtoull(qr_pdf_ws(v.b, v.e), NULL, 10) : 0;
    if (newest) {
        if (qr_pdf_get(t, "Root", &v) == 0)
            f->root = qr_pdf_ref(v);
        if (qr_pdf_get(t, "Info", &v) == 0)
            f->info = qr_pdf_ref(v);
        /* kept when it is plain text, to be written again as it is */
        int plain = qr_pdf_get(t, "ID", &v) == 0 && (size_t)(v.e - v.b) + 5 < sizeof f->id;
        for (const char *c = v.b; plain && c < v.e; c++)
            plain = (*c >= 0x20 && *c < 0x7f) || *c == '\n' || *c == '\r';
        if (plain)
            snprintf(f->id, sizeof f->id, "/ID %.*s", (int)(v.e - v.b), v.b);
    }
    return 0;
}

int qr_pdf_file_open(qr_pdf_file *f, const char *p, size_t len, qr_error *err)
{
    memset(f, 0, sizeof *f);
    f->p = p;
    f->len = len;
    const char *sx = NULL;
    for (size_t i = len >= 9 ? len - 9 : 0; i > 0 && !sx && len - i < 1024; i--)
        if (memcmp(p + i, "startxref", 9) == 0)
            sx = p + i;
    if (len < 8 || p[len] != '\0' || memcmp(p, "%PDF-", 5) != 0 || !sx)
        goto bad;
    f->last_xref = strtoull(sx + 9, NULL, 10);
    /* the newest trailer's /Size bounds every table */
    const char *t = f->last_xref < len ? strstr(p + f->last_xref, "trailer") : NULL;
    if (!t)
        goto bad;
    qr_span tb = {t + 7, p + len}, td;
    if (qr_pdf_dict(tb, &td) < 0)
        goto bad;
    f->size = S_trailer_num(td, "Size");
    if (f->size == 0 || f->size > 10000000)
        goto bad;
    f->off = xmalloc(f->size * sizeof *f->off);
    for (unsigned long i = 0; i < f->size; i++)
        f->off[i] = (size_t)-1;
    size_t xref = f->last_xref, prev;
    for (int n = 0; n < 1000; n++) {
        if (S_read_xref(f, xref, &prev, n == 0) < 0)
            goto bad;
        if (prev == 0)
            break;
        xref = prev;
    }
    for (unsigned long i = 0; i < f->size; i++)
        if (f->off[i] == (size_t)-1)
            f->off[i] = 0;
    if (f->root == 0 || f->root >= f->size)
        goto bad;
    return 0;
bad:
    qr_pdf_file_free(f);
    return qr_error_set(err, QR_EX_DATAERR, NULL, 0, 0,
                        "not a PDF quire can read back (cross-reference tables, no object "
                        "streams, no encryption)");
}

void qr_pdf_file_free(qr_pdf_file *f)
{
    free(f->off);
    f->off = NULL;
}

/* Finds "endobj"/"endstream" style keywords: the first `kw` at or after p. */
static const char *S_find(const char *p, const char *e, const char *kw)
{
    size_t n = strlen(kw);
    while ((size_t)(e - p) >= n) {
        const char *q = memchr(p, kw[0], (size_t)(e - p) - n + 1);
        if (!q)
            return NULL;
        if (memcmp(q, kw, n) == 0)
            return q;
        p = q + 1;
    }
    return NULL;
}

/* Object num: its body's start, and for a stream its data. */
static int S_locate(const qr_pdf_file *f, unsigned long num, qr_span *body, qr_span *data,
                    int depth)
{
    if (depth > 1)
        return -1;
    if (num == 0 || num >= f->size || f->off[num] == 0 || f->off[num] >= f->len)
        return -1;
    const char *e = f->p + f->len, *p = f->p + f->off[num];
    char *q;
    if (strtoul(p, &q, 10) != num)
        return -1;
    strtoul(q, &q, 10);
    p = qr_pdf_ws(q, e);
    if (e - p < 3 || memcmp(p, "obj", 3) != 0)
        return -1;
    p += 3;
    const char *vb = qr_pdf_ws(p, e), *ve = qr_pdf_skip(vb, e);
    const char *k = qr_pdf_ws(ve, e);
    data->b = data->e = NULL;
    if (e - k >= 6 && memcmp(k, "stream", 6) == 0) {
        k += 6;
        if (k < e && *k == '\r')
            k++;
        if (k < e && *k == '\n')
            k++;
        qr_span d;
        if (qr_pdf_dict((qr_span){vb, ve}, &d) < 0)
            return -1;
        qr_span lv;
        if (qr_pdf_get(d, "Length", &lv) < 0)
            return -1;
        double len = -1;
        unsigned long ref = qr_pdf_ref(lv);
        if (ref) {
            qr_span lb, ld;
            if (ref == num || S_locate(f, ref, &lb, &ld, depth + 1) < 0)
                return -1;
            len = qr_pdf_num(lb, -1);
        } else {
            len = qr_pdf_num(lv, -1);
        }
        if (len < 0 || len > (double)(e - k))
            return -1;
        data->b = k;
        data->e = k + (size_t)len;
        ve = data->e;
    }
    const char *end = S_find(ve, e, "endobj");
    if (!end)
        return -1;
    body->b = vb;
    body->e = end;
    return 0;
}

int qr_pdf_object(const qr_pdf_file *f, unsigned long num, qr_span *body)
{
    qr_span data;
    return S_locate(f, num, body, &data, 0);
}

int qr_pdf_object_dict(const qr_pdf_file *f, unsigned long num, qr_span *dict)
{
    qr_span body;
    if (qr_pdf_object(f, num, &body) < 0)
        return -1;
    return qr_pdf_dict(body, dict);
}

int qr_pdf_stream(const qr_pdf_file *f, unsigned long num, int raw, qr_buf *out)
{
    qr_span body, data, d, filter;
    if (S_locate(f, num, &body, &data, 0) < 0 || !data.b || qr_pdf_dict(body, &d) < 0)
        return -1;
    size_t n = (size_t)(data.e - data.b);
    if (raw || qr_pdf_get(d, "Filter", &filter) < 0) {
        qr_buf_add(out, data.b, n);
        return 0;
    }
    if (!qr_pdf_is_name(filter, "FlateDecode"))
        return -1;
    z_stream z;
    memset(&z, 0, sizeof z);
    if (inflateInit(&z) != Z_OK)
        return -1;
    z.next_in = (Bytef *)data.b;
    z.avail_in = (uInt)n;
    int rc;
    size_t start = out->len;
    do {
        /* a stream that inflates past 256 MiB is a bomb, not a page */
        if (out->len - start > ((size_t)256 << 20)) {
            rc = Z_MEM_ERROR;
            break;
        }
        qr_buf_grow(out, 65536);
        z.next_out = (Bytef *)out->ptr + out->len;
        z.avail_out = 65536;
        rc = inflate(&z, Z_NO_FLUSH);
        out->len += 65536 - z.avail_out;
        out->ptr[out->len] = '\0';
    } while (rc == Z_OK);
    inflateEnd(&z);
    return rc == Z_STREAM_END ? 0 : -1;
}

void qr_pdf_deflate(const char *data, size_t len, qr_buf *out)
{
    uLongf n = compressBound((uLong)len);
    qr_buf_grow(out, (size_t)n + 1);
    compress2((Bytef *)out->ptr + out->len, &n, (const Bytef *)data, (uLong)len, 9);
    out->len += (size_t)n;
    out->ptr[out->len] = '\0';
}

void qr_pdf_text_string(qr_buf *out, const char *s, size_t len)
{
    qr_buf_adds(out, "<FEFF");
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        i += (size_t)qr_utf8_decode(s + i, len - i, &cp);
        if (cp >= 0x10000) {
            cp -= 0x10000;
            qr_buf_addf(out, "%04X%04X", 0xD800 + (unsigned)(cp >> 10),
                        0xDC00 + (unsigned)(cp & 0x3FF));
        } else {
            qr_buf_addf(out, "%04X", (unsigned)cp);
        }
    }
    qr_buf_addc(out, '>');
}
