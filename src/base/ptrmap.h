/*
 * ptrmap.h: a map from pointers to numbers (open addressing, linear
 * probing), for looking nodes up by address: a node's place in document
 * order, the first page marker in a text node. Keys are never NULL.
 */
#ifndef QR_PTRMAP_H
#define QR_PTRMAP_H

#include <stddef.h>

typedef struct qr_ptrmap {
    const void **keys; /* owned; NULL: an empty slot */
    size_t *vals;      /* owned */
    size_t cap, n;     /* cap: 0 or a power of two */
} qr_ptrmap;

#define QR_PTRMAP_INIT                                                                             \
    {                                                                                              \
        NULL, NULL, 0, 0                                                                           \
    }

/* Sets key's value (adding it, or replacing the one it had). */
void qr_ptrmap_put(qr_ptrmap *m, const void *key, size_t val);
/* 1 with *val set when key is in the map, else 0. */
int qr_ptrmap_get(const qr_ptrmap *m, const void *key, size_t *val);
void qr_ptrmap_free(qr_ptrmap *m);

#endif
