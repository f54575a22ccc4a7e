/* pdfimage.c: images as cairo surfaces (figures, the cover). */
#include <cairo-pdf.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pdfdraw.h"

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
