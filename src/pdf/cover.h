/*
 * cover.h: the printed cover for a print-on-demand service: one spread,
 * back + spine + front, with 0.125 in of bleed on every side.
 */
#ifndef QR_COVER_H
#define QR_COVER_H

#include <time.h>

#include "../typeset/typeset.h"

typedef enum { QR_PAPER_WHITE, QR_PAPER_CREAM, QR_PAPER_COLOUR } qr_paper;

/* The paper's name ("white", "cream", "colour" or "color"); -1 if unknown. */
int qr_paper_parse(const char *name);

/* The spine's width in points for `pages` interior pages on that paper:
 * KDP's thickness a page (0.002252 in white, 0.0025 in cream, 0.002347 in
 * colour). */
double qr_cover_spine(int pages, qr_paper paper);

/* The cover's geometry in points, from its top left corner. */
typedef struct qr_cover_box {
    double w, h;                 /* the whole sheet, bleed included */
    double spine;                /* the spine's width */
    double back_x, spine_x, front_x; /* where each panel's trim begins */
    int spine_text;              /* the spine has room for its title */
    double isbn_x, isbn_y, isbn_w, isbn_h; /* the barcode's blank box */
} qr_cover_box;

void qr_cover_geometry(double trim_w, double trim_h, int pages, qr_paper paper,
                       qr_cover_box *out);

/*
 * Appends the cover's PDF (cairo, then PDF/X-4 through qr_pdfx_convert):
 * the front from the book's cover image, scaled to cover the front and its
 * bleed, or a typographic front (title, subtitle, author in the book's
 * font); title and author on the spine when it is wide enough; the
 * description on the back, and a blank box for the barcode when the book
 * has an ISBN. Images under 300 dpi at their printed size get a warning.
 */
int qr_cover_write(const qr_doc *doc, const qr_print_options *opt, int pages, qr_paper paper,
                   time_t date, qr_buf *out, qr_error *err);

#endif
