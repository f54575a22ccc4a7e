/* arena.c: a bump allocator in linked chunks; everything is freed at once. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base.h"

#define ARENA_CHUNK (64 * 1024)
#define ARENA_ALIGN (_Alignof(max_align_t))

typedef struct chunk {
    struct chunk *prev;
    size_t size; /* usable bytes in data[] */
    size_t used;
    max_align_t data[];
} chunk;

struct qr_arena {
    chunk *head;
    size_t total;
};

qr_arena *qr_arena_new(void)
{
    return xcalloc(1, sizeof(qr_arena));
}

void qr_arena_free(qr_arena *a)
{
    if (!a)
        return;
    chunk *c = a->head;
    while (c) {
        chunk *prev = c->prev;
        free(c);
        c = prev;
    }
    free(a);
}

void *qr_arena_alloc(qr_arena *a, size_t size)
{
    size_t need = (size + ARENA_ALIGN - 1) & ~(ARENA_ALIGN - 1);
    if (need < size)
        abort();
    chunk *c = a->head;
    if (!c || c->size - c->used < need) {
        /* Large requests get a chunk of their own, behind the current one,
         * so the current chunk's free space is not wasted. */
        size_t sz = need > ARENA_CHUNK / 4 ? need : ARENA_CHUNK;
        chunk *n = xmalloc(sizeof(chunk) + sz);
        n->size = sz;
        n->used = 0;
        if (c && sz != ARENA_CHUNK) {
            n->prev = c->prev;
            c->prev = n;
        } else {
            n->prev = c;
            a->head = n;
        }
        c = n;
    }
    void *p = (char *)c->data + c->used;
    c->used += need;
    a->total += need;
    memset(p, 0, size);
    return p;
}

char *qr_arena_strndup(qr_arena *a, const char *s, size_t n)
{
    char *p = qr_arena_alloc(a, n + 1);
    if (n)
        memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *qr_arena_strdup(qr_arena *a, const char *s)
{
    return qr_arena_strndup(a, s, strlen(s));
}

char *qr_arena_printf(qr_arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        n = 0;
    char *p = qr_arena_alloc(a, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

size_t qr_arena_used(const qr_arena *a)
{
    return a->total;
}
