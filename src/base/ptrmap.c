/* ptrmap.c: pointers to numbers, open addressing with linear probing. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base.h"
#include "ptrmap.h"

/* Fibonacci hashing of the address (Knuth, TAOCP 6.4): the low bits of an
 * arena pointer are alike, the product's high bits are not. */
static size_t S_slot(const void *key, size_t cap)
{
    uint64_t h = (uint64_t)(uintptr_t)key * UINT64_C(11400714819323198485);
    return (size_t)(h >> 32) & (cap - 1);
}

static void S_grow(qr_ptrmap *m)
{
    size_t old_cap = m->cap;
    const void **old_keys = m->keys;
    size_t *old_vals = m->vals;
    m->cap = old_cap ? old_cap * 2 : 64;
    m->keys = xcalloc(m->cap, sizeof *m->keys);
    m->vals = xmalloc(m->cap * sizeof *m->vals);
    m->n = 0;
    for (size_t i = 0; i < old_cap; i++)
        if (old_keys[i])
            qr_ptrmap_put(m, old_keys[i], old_vals[i]);
    free(old_keys);
    free(old_vals);
}

void qr_ptrmap_put(qr_ptrmap *m, const void *key, size_t val)
{
    if ((m->n + 1) * 2 > m->cap)
        S_grow(m); /* at most half full */
    size_t i = S_slot(key, m->cap);
    while (m->keys[i] && m->keys[i] != key)
        i = (i + 1) & (m->cap - 1);
    if (!m->keys[i]) {
        m->keys[i] = key;
        m->n++;
    }
    m->vals[i] = val;
}

int qr_ptrmap_get(const qr_ptrmap *m, const void *key, size_t *val)
{
    if (m->cap == 0)
        return 0;
    for (size_t i = S_slot(key, m->cap); m->keys[i]; i = (i + 1) & (m->cap - 1))
        if (m->keys[i] == key) {
            *val = m->vals[i];
            return 1;
        }
    return 0;
}

void qr_ptrmap_free(qr_ptrmap *m)
{
    free(m->keys);
    free(m->vals);
    memset(m, 0, sizeof *m);
}
