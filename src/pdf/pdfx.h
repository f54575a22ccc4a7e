/*
 * pdfx.h: the print edition for a print-on-demand service (--print pod):
 * PDF/X-4 (ISO 15930-7) in grey. cairo writes none of PDF/X; pdfx.c adds
 * it to cairo's file in one more incremental update (ISO 32000-1 §7.5.6):
 * the page boxes, the output intent and its ICC profile, the XMP packet
 * with the PDF/X identification, the Info entries PDF/X asks for, and the
 * content's colours in the output intent's grey. cover.c draws the cover.
 */
#ifndef QR_PDFX_H
#define QR_PDFX_H

#include <stdio.h>
#include <time.h>

#include "../base/base.h"
#include "../doc/doc.h"

#define QR_BLEED (0.125 * 72.0) /* 3.175 mm, what KDP and IngramSpark ask */

typedef struct qr_pdfx {
    /* Each page's TrimBox is its MediaBox less `bleed` on every side (the
     * cover), else the MediaBox (an interior with nothing that bleeds). */
    double bleed;
    const qr_meta *meta; /* title, authors, description, subjects: Info and XMP */
    time_t date;
} qr_pdfx;

/* Turns cairo's PDF in pdf (already updated by qr_pdf_update, or not)
 * into PDF/X-4: appends the update. */
int qr_pdfx_convert(qr_buf *pdf, const qr_pdfx *x, qr_error *err);

/* The output intent's ICC profile, a grey printer profile (see pdfx.c),
 * appended to out: the same bytes every time. */
void qr_pdfx_grey_profile(qr_buf *out);
/* The output grey (0 black .. 1 white) of an sRGB colour. */
double qr_pdfx_grey(double r, double g, double b);
/* Converts a cairo image's pixels (CAIRO_FORMAT_ARGB32 or RGB24, stride
 * bytes a row) to the output grey in place, alpha flattened on white
 * paper: cairo then writes a DeviceGray image with no soft mask. */
void qr_pdfx_grey_pixels(unsigned char *data, int w, int h, int stride);

/*
 * check-print: what a print service would refuse in the PDF p. Each
 * problem is printed on out as `file: error: ...`; returns their number,
 * or -1 when the file cannot be read (err set). p[len] must be '\0'.
 */
int qr_pdfx_check(const char *file, const char *p, size_t len, FILE *out, qr_error *err);

#endif
