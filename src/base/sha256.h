/*
 * sha256.h: SHA-256 (FIPS 180-4), for content-derived identifiers.
 *
 * Incremental: qr_sha256_init, any number of qr_sha256_update, then
 * qr_sha256_final. qr_sha256 hashes one buffer at once. No allocation.
 */
#ifndef QR_SHA256_H
#define QR_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define QR_SHA256_LEN 32

typedef struct qr_sha256_ctx {
    uint32_t h[8];     /* the chaining state */
    uint64_t total;    /* bytes hashed so far */
    uint8_t block[64]; /* a partial block */
    size_t fill;       /* bytes in block */
} qr_sha256_ctx;

void qr_sha256_init(qr_sha256_ctx *c);
void qr_sha256_update(qr_sha256_ctx *c, const void *data, size_t len);
/* Writes the 32-byte digest to out; c must be initialised again for reuse. */
void qr_sha256_final(qr_sha256_ctx *c, uint8_t out[QR_SHA256_LEN]);
void qr_sha256(const void *data, size_t len, uint8_t out[QR_SHA256_LEN]);
/* Writes the digest as 64 lower-case hex digits and a NUL to hex. */
void qr_sha256_hex(const uint8_t digest[QR_SHA256_LEN], char hex[2 * QR_SHA256_LEN + 1]);

#endif
