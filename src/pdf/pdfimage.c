/* pdfimage.c: images as cairo surfaces (figures, the cover). */
#include <cairo-pdf.h>
#include <setjmp.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <stdint.h>
#include <stdio.h>
#include <jpeglib.h>
#include <stdlib.h>
#include <string.h>

#include "pdfdraw.h"
#include "pdfx.h"

/* The cover's PNG bytes, read by cairo. */
typedef struct S_bytes {
    const unsigned char *p;
    size_t left;
} S_bytes;

static cairo_status_t S_read_bytes(void *closure, unsigned char *data, unsigned int length)
{
    S_bytes *b = closure;
    if (length > b->left)
        return CAIRO_STATUS_READ_ERROR;
    memcpy(data, b->p, length);
    b->p += length;
    b->left -= length;
    return CAIRO_STATUS_SUCCESS;
}

/*
 * Owned: the cover as a cairo surface (destroy it), or NULL with err set.
 * A PNG is decoded by cairo; a JPEG is passed through as it is: its bytes
 * are attached (CAIRO_MIME_TYPE_JPEG) to a blank image surface of its size,
 * and cairo's PDF surface embeds them (DCTDecode) instead of the pixels.
 * The bytes are the document's and outlive the surface.
 */
cairo_surface_t *qr_pdf_image_surface(const char *data, size_t len, const char *type, int w, int h,
                                      const char *what, qr_error *err)
{
    cairo_surface_t *img;
    if (strcmp(type, "image/png") == 0) {
        S_bytes b = {(const unsigned char *)data, len};
        img = cairo_image_surface_create_from_png_stream(S_read_bytes, &b);
    } else {
        img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
        if (cairo_surface_status(img) == CAIRO_STATUS_SUCCESS)
            cairo_surface_set_mime_data(img, CAIRO_MIME_TYPE_JPEG, (const unsigned char *)data, len,
                                        NULL, NULL);
    }
    cairo_status_t st = cairo_surface_status(img);
    if (st != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(img);
        qr_error_set(err, QR_EX_DATAERR, NULL, 0, 0, "the %s (%s) cannot be read: %s", what, type,
                     cairo_status_to_string(st));
        return NULL;
    }
    return img;
}

cairo_surface_t *qr_pdf_cover_surface(const qr_meta *m, qr_error *err)
{
    return qr_pdf_image_surface(m->cover_data, m->cover_len, m->cover_type, m->cover_width,
                                m->cover_height, "cover image", err);
}

/* A JPEG decoded to a cairo image (libjpeg), for the print edition, whose
 * images must be in the output intent's grey: a JPEG passed through keeps
 * its own colour space. */
typedef struct S_jpeg_err {
    struct jpeg_error_mgr mgr;
    jmp_buf jump;
} S_jpeg_err;

static void S_jpeg_fail(j_common_ptr c)
{
    longjmp(((S_jpeg_err *)c->err)->jump, 1);
}

static void S_jpeg_quiet(j_common_ptr c, int level)
{
    (void)c;
    (void)level;
}

static cairo_surface_t *S_decode_jpeg(const char *data, size_t len)
{
    struct jpeg_decompress_struct j;
    S_jpeg_err e;
    cairo_surface_t *volatile img = NULL;
    JSAMPLE *volatile row = NULL;
    j.err = jpeg_std_error(&e.mgr);
    e.mgr.error_exit = S_jpeg_fail;
    e.mgr.emit_message = S_jpeg_quiet;
    if (setjmp(e.jump)) {
        jpeg_destroy_decompress(&j);
        free(row);
        if (img)
            cairo_surface_destroy(img);
        return NULL;
    }
    jpeg_create_decompress(&j);
    jpeg_mem_src(&j, (const unsigned char *)data, (unsigned long)len);
    jpeg_read_header(&j, TRUE);
    /* CMYK and YCCK stay as they are; the rest becomes RGB */
    if (j.jpeg_color_space != JCS_CMYK && j.jpeg_color_space != JCS_YCCK)
        j.out_color_space = JCS_RGB;
    jpeg_start_decompress(&j);
    int w = (int)j.output_width, h = (int)j.output_height, nc = j.output_components;
    img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    if (cairo_surface_status(img) != CAIRO_STATUS_SUCCESS)
        longjmp(e.jump, 1);
    row = xmalloc((size_t)w * (size_t)nc);
    unsigned char *px = cairo_image_surface_get_data(img);
    int stride = cairo_image_surface_get_stride(img);
    while (j.output_scanline < j.output_height) {
        JSAMPROW r = row;
        unsigned y = j.output_scanline;
        jpeg_read_scanlines(&j, &r, 1);
        uint32_t *out = (uint32_t *)(px + (size_t)y * (size_t)stride);
        for (int x = 0; x < w; x++) {
            const JSAMPLE *s = row + (size_t)x * (size_t)nc;
            unsigned r8, g8, b8;
            if (nc == 4) { /* Adobe's inverted CMYK */
                r8 = (unsigned)s[0] * s[3] / 255;
                g8 = (unsigned)s[1] * s[3] / 255;
                b8 = (unsigned)s[2] * s[3] / 255;
            } else {
                r8 = s[0];
                g8 = s[1];
                b8 = s[2];
            }
            out[x] = 0xff000000u | r8 << 16 | g8 << 8 | b8;
        }
    }
    jpeg_finish_decompress(&j);
    jpeg_destroy_decompress(&j);
    free(row);
    cairo_surface_mark_dirty(img);
    return img;
}

cairo_surface_t *qr_pdf_print_image(const char *data, size_t len, const char *type, int w, int h,
                                    const char *what, qr_error *err)
{
    cairo_surface_t *img;
    if (strcmp(type, "image/jpeg") == 0) {
        img = S_decode_jpeg(data, len);
        if (!img) {
            qr_error_set(err, QR_EX_DATAERR, NULL, 0, 0, "the %s (%s) cannot be decoded", what,
                         type);
            return NULL;
        }
    } else {
        img = qr_pdf_image_surface(data, len, type, w, h, what, err);
        if (!img)
            return NULL;
        if (cairo_image_surface_get_format(img) != CAIRO_FORMAT_ARGB32 &&
            cairo_image_surface_get_format(img) != CAIRO_FORMAT_RGB24) {
            /* grey or 1-bit PNGs: drawn into an RGB image first */
            cairo_surface_t *rgb = cairo_image_surface_create(
                CAIRO_FORMAT_ARGB32, cairo_image_surface_get_width(img),
                cairo_image_surface_get_height(img));
            cairo_t *cr = cairo_create(rgb);
            cairo_set_source_surface(cr, img, 0, 0);
            cairo_paint(cr);
            cairo_destroy(cr);
            cairo_surface_destroy(img);
            img = rgb;
        }
    }
    cairo_surface_flush(img);
    qr_pdfx_grey_pixels(cairo_image_surface_get_data(img), cairo_image_surface_get_width(img),
                        cairo_image_surface_get_height(img), cairo_image_surface_get_stride(img));
    cairo_surface_mark_dirty(img);
    return img;
}
