/*
 * image.c: knowing a PNG or JPEG by its bytes, and checking it whole.
 *
 * The writers embed images as they are (the EPUB) or through cairo (the
 * PDF), so a reader must know before they run that an image is what it
 * says and complete: a truncated file would give a broken page, or none.
 */
#include <cairo.h>
#include <string.h>

#include "base.h"

static unsigned S_be16(const unsigned char *p)
{
    return (unsigned)p[0] << 8 | p[1];
}

static unsigned long S_be32(const unsigned char *p)
{
    return (unsigned long)p[0] << 24 | (unsigned long)p[1] << 16 | (unsigned long)p[2] << 8 | p[3];
}

static const unsigned char S_png_sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

/* A JPEG frame header: SOF0..SOF15 less DHT (C4), JPG (C8) and DAC (CC). */
static int S_is_sof(unsigned mk)
{
    return mk >= 0xC0 && mk <= 0xCF && mk != 0xC4 && mk != 0xC8 && mk != 0xCC;
}

/*
 * The size in pixels of a PNG (PNG spec 11.2.2: IHDR is the first chunk)
 * or a JPEG (ITU T.81 B.2: the frame header SOFn after the markers before
 * it).
 */
const char *qr_image_sniff(const void *data, size_t len, int *w, int *h)
{
    const unsigned char *d = data;
    *w = *h = 0;
    if (len >= 24 && memcmp(d, S_png_sig, 8) == 0 && memcmp(d + 12, "IHDR", 4) == 0) {
        unsigned long pw = S_be32(d + 16), ph = S_be32(d + 20);
        if (pw == 0 || ph == 0 || pw > 100000 || ph > 100000)
            return NULL;
        *w = (int)pw;
        *h = (int)ph;
        return "image/png";
    }
    if (len < 4 || d[0] != 0xFF || d[1] != 0xD8 || d[2] != 0xFF)
        return NULL;
    size_t i = 2;
    while (i + 4 <= len) {
        if (d[i] != 0xFF)
            return NULL;
        while (i < len && d[i] == 0xFF) /* fill bytes */
            i++;
        if (i >= len)
            return NULL;
        unsigned char mk = d[i++];
        if (mk == 0x01 || (mk >= 0xD0 && mk <= 0xD7)) /* no length */
            continue;
        if (mk == 0xD9 || mk == 0xDA || i + 2 > len) /* EOI, SOS: no frame header */
            return NULL;
        unsigned seg = S_be16(d + i);
        if (seg < 2)
            return NULL;
        if (S_is_sof(mk)) {
            if (i + 7 > len)
                return NULL;
            *h = (int)S_be16(d + i + 3);
            *w = (int)S_be16(d + i + 5);
            return *w > 0 && *h > 0 ? "image/jpeg" : NULL;
        }
        i += seg;
    }
    return NULL;
}

/* cairo reads the PNG from memory through this. */
typedef struct S_reader {
    const unsigned char *p;
    size_t left;
} S_reader;

static cairo_status_t S_read(void *closure, unsigned char *out, unsigned int length)
{
    S_reader *r = closure;
    if (length > r->left)
        return CAIRO_STATUS_READ_ERROR; /* truncated */
    memcpy(out, r->p, length);
    r->p += length;
    r->left -= length;
    return CAIRO_STATUS_SUCCESS;
}

/*
 * A JPEG's segments, then its scans' entropy-coded data (where 0xFF is
 * followed by 0x00 stuffing or a restart marker RSTn), until EOI
 * (ITU T.81 B.1.1). A frame header must come before the first scan.
 */
static int S_jpeg_complete(const unsigned char *d, size_t len, const char **why)
{
    size_t i = 2;
    int frame = 0, scans = 0;
    for (;;) {
        if (i >= len)
            break;
        if (d[i] != 0xFF) {
            *why = "corrupt JPEG (a segment does not start with a marker)";
            return -1;
        }
        while (i < len && d[i] == 0xFF)
            i++;
        if (i >= len)
            break;
        unsigned mk = d[i++];
        if (mk == 0xD9) { /* EOI */
            if (!frame || !scans) {
                *why = "corrupt JPEG (no frame or no scan before its end)";
                return -1;
            }
            return 0;
        }
        if (mk == 0x01 || (mk >= 0xD0 && mk <= 0xD7))
            continue;
        if (i + 2 > len)
            break;
        unsigned seg = S_be16(d + i);
        if (seg < 2) {
            *why = "corrupt JPEG (a segment length below 2)";
            return -1;
        }
        if (i + seg > len)
            break;
        if (S_is_sof(mk))
            frame = 1;
        i += seg;
        if (mk != 0xDA) /* SOS: entropy-coded data follows */
            continue;
        if (!frame) {
            *why = "corrupt JPEG (a scan before the frame header)";
            return -1;
        }
        scans++;
        while (i + 1 < len) {
            if (d[i] == 0xFF && d[i + 1] != 0x00 && d[i + 1] != 0xFF &&
                !(d[i + 1] >= 0xD0 && d[i + 1] <= 0xD7))
                break; /* a marker: the scan's end */
            i++;
        }
        if (i + 1 >= len)
            break;
    }
    *why = "truncated JPEG (it ends before its end-of-image marker)";
    return -1;
}

int qr_image_verify(const void *data, size_t len, const char *type, const char **why)
{
    int w, h;
    const char *t = qr_image_sniff(data, len, &w, &h);
    if (!t || strcmp(t, type) != 0) {
        *why = "not a PNG or JPEG image";
        return -1;
    }
    if (strcmp(t, "image/jpeg") == 0)
        return S_jpeg_complete(data, len, why);
    S_reader r = {data, len};
    cairo_surface_t *s = cairo_image_surface_create_from_png_stream(S_read, &r);
    cairo_status_t st = cairo_surface_status(s);
    int ok = st == CAIRO_STATUS_SUCCESS && cairo_image_surface_get_width(s) == w &&
             cairo_image_surface_get_height(s) == h;
    cairo_surface_destroy(s);
    if (!ok) {
        *why = st == CAIRO_STATUS_NO_MEMORY ? "PNG too large to decode"
                                            : "truncated or corrupt PNG (it does not decode)";
        return -1;
    }
    return 0;
}
