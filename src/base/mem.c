/* mem.c: allocation that never returns NULL, and the string buffer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base.h"

static void S_out_of_memory(size_t size)
{
    fprintf(stderr, "quire: fatal: out of memory (%zu bytes)\n", size);
    abort();
}

void *xmalloc(size_t size)
{
    void *p = malloc(size ? size : 1);
    if (!p)
        S_out_of_memory(size);
    return p;
}

void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        S_out_of_memory(n * size);
    return p;
}

void *xrealloc(void *ptr, size_t size)
{
    void *p = realloc(ptr, size ? size : 1);
    if (!p)
        S_out_of_memory(size);
    return p;
}

char *xstrndup(const char *s, size_t n)
{
    char *p = xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *xstrdup(const char *s)
{
    return xstrndup(s, strlen(s));
}

/* qr_buf ------------------------------------------------------------------ */

char qr_buf_empty[1];

void qr_buf_init(qr_buf *b)
{
    b->ptr = qr_buf_empty;
    b->len = 0;
    b->cap = 0;
}

void qr_buf_grow(qr_buf *b, size_t extra)
{
    if (b->len + extra < b->cap)
        return;
    size_t need = b->len + extra + 1;
    if (need < b->len) /* overflow */
        S_out_of_memory(SIZE_MAX);
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap = cap < SIZE_MAX / 2 ? cap * 2 : need;
    if (b->cap == 0) {
        b->ptr = xmalloc(cap);
        b->ptr[0] = '\0';
    } else {
        b->ptr = xrealloc(b->ptr, cap);
    }
    b->cap = cap;
}

void qr_buf_add(qr_buf *b, const void *data, size_t len)
{
    if (len == 0)
        return;
    qr_buf_grow(b, len);
    memcpy(b->ptr + b->len, data, len);
    b->len += len;
    b->ptr[b->len] = '\0';
}

void qr_buf_adds(qr_buf *b, const char *s)
{
    qr_buf_add(b, s, strlen(s));
}

void qr_buf_addc(qr_buf *b, int c)
{
    qr_buf_grow(b, 1);
    b->ptr[b->len++] = (char)c;
    b->ptr[b->len] = '\0';
}

void qr_buf_vaddf(qr_buf *b, const char *fmt, va_list ap)
{
    va_list cp;
    va_copy(cp, ap);
    int n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    if (n <= 0)
        return;
    qr_buf_grow(b, (size_t)n);
    vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
}

void qr_buf_addf(qr_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    qr_buf_vaddf(b, fmt, ap);
    va_end(ap);
}

void qr_buf_add_utf8(qr_buf *b, uint32_t cp)
{
    char s[4];
    size_t n;
    if (cp < 0x80) {
        s[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        s[0] = (char)(0xC0 | (cp >> 6));
        s[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        s[0] = (char)(0xE0 | (cp >> 12));
        s[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        s[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        s[0] = (char)(0xF0 | (cp >> 18));
        s[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        s[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        s[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    qr_buf_add(b, s, n);
}

void qr_buf_truncate(qr_buf *b, size_t len)
{
    if (len >= b->len)
        return;
    b->len = len;
    b->ptr[len] = '\0';
}

void qr_buf_reset(qr_buf *b)
{
    qr_buf_truncate(b, 0);
}

char *qr_buf_detach(qr_buf *b, size_t *len)
{
    char *p = b->cap ? b->ptr : xstrdup("");
    if (len)
        *len = b->len;
    qr_buf_init(b);
    return p;
}

void qr_buf_release(qr_buf *b)
{
    if (b->cap)
        free(b->ptr);
    qr_buf_init(b);
}
