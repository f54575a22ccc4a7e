/*
 * image.c: knowing a PNG or JPEG by its bytes, and checking it whole.
 *
 * The writers embed images as they are (the EPUB) or through cairo (the
 * PDF), so a reader must know before they run that an image is what it
 * says and complete: a truncated file would give a broken page, or none.
 */
#include <cairo.h>
#include <string.h>
#include <zlib.h>

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

/* The bytes a PNG's zlib data inflates to when it holds w x h pixels of
 * the IHDR's kind: each row a filter byte and its pixels, per Adam7 pass
 * when interlaced (PNG spec 7.2, 8.2). 0 for an IHDR this cannot be. */
static unsigned long long S_png_raw_size(const unsigned char *ihdr)
{
    unsigned long w = S_be32(ihdr), h = S_be32(ihdr + 4);
    unsigned depth = ihdr[8], color = ihdr[9], interlace = ihdr[12];
    static const unsigned channels[7] = {1, 0, 3, 1, 2, 0, 4};
    if (color > 6 || !channels[color] || depth == 0 || depth > 16)
        return 0;
    unsigned long long bpp = (unsigned long long)channels[color] * depth;
    static const unsigned pass[7][4] = {{0, 0, 8, 8}, {4, 0, 8, 8}, {0, 4, 4, 8}, {2, 0, 4, 4},
                                        {0, 2, 2, 4}, {1, 0, 2, 2}, {0, 1, 1, 2}};
    static const unsigned whole[1][4] = {{0, 0, 1, 1}};
    const unsigned(*p)[4] = interlace ? pass : whole;
    int n = interlace ? 7 : 1;
    unsigned long long total = 0;
    for (int i = 0; i < n; i++) {
        unsigned long long pw = w > p[i][0] ? (w - p[i][0] + p[i][2] - 1) / p[i][2] : 0;
        unsigned long long ph = h > p[i][1] ? (h - p[i][1] + p[i][3] - 1) / p[i][3] : 0;
        if (pw && ph)
            total += ph * (1 + (pw * bpp + 7) / 8);
    }
    return total;
}

/*
 * A decompression bomb: zlib data that inflates past what the PNG's pixels
 * need (a few hundred KB can inflate to gigabytes, all of which a decoder
 * would inflate and throw away). The IDAT chunks are inflated here into a
 * small buffer, stopping at the first byte too many. 0 when the data fits.
 */
static int S_png_bomb(const unsigned char *d, size_t len, const char **why)
{
    size_t i = 8;
    unsigned long long want = 0, got = 0;
    z_stream z;
    memset(&z, 0, sizeof z);
    if (inflateInit(&z) != Z_OK)
        return 0; /* cairo will say */
    unsigned char out[65536];
    int rc = 0, done = 0;
    while (!done && i + 12 <= len) {
        unsigned long clen = S_be32(d + i);
        const unsigned char *type = d + i + 4, *cdata = d + i + 8;
        if (clen > len - i - 12)
            break; /* truncated: cairo will say */
        if (memcmp(type, "IHDR", 4) == 0 && clen >= 13)
            want = S_png_raw_size(cdata);
        else if (memcmp(type, "IDAT", 4) == 0) {
            z.next_in = (Bytef *)cdata;
            z.avail_in = (uInt)clen;
            while (z.avail_in > 0 && !done) {
                z.next_out = out;
                z.avail_out = sizeof out;
                int zr = inflate(&z, Z_NO_FLUSH);
                got += sizeof out - z.avail_out;
                if (got > want + 1024) {
                    *why = "the PNG's data inflates past the size of its pixels (a "
                           "decompression bomb?)";
                    rc = -1;
                    done = 1;
                } else if (zr == Z_STREAM_END || (zr != Z_OK && zr != Z_BUF_ERROR)) {
                    done = 1; /* the end, or corrupt: cairo will say */
                } else if (zr == Z_BUF_ERROR && z.avail_out != 0) {
                    break; /* needs the next chunk */
                }
            }
        } else if (memcmp(type, "IEND", 4) == 0)
            break;
        i += 12 + clen;
    }
    inflateEnd(&z);
    return rc;
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
    if (S_png_bomb(data, len, why) < 0)
        return -1;
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
