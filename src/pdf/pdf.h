/*
 * pdf.h: outputters of a laid-out book: the PDF edition through cairo, and
 * a text trace of the layout for golden tests (tests compare text, never
 * PDF bytes).
 */
#ifndef QR_PDF_H
#define QR_PDF_H

#include <time.h>

#include "../typeset/typeset.h"

/*
 * Appends the PDF of the layout to out: fonts embedded and subset, an
 * outline, links from the contents, the document's metadata, dates from
 * `date`. The same layout and date give the same bytes.
 */
int qr_pdf_write(const qr_layout *lay, const qr_doc *doc, time_t date, qr_buf *out,
                 qr_error *err);

/*
 * The interior for a print-on-demand service (--print pod): the same pages
 * without the cover page, its images decoded and in grey (a warning for
 * each under 300 dpi where printed), made PDF/X-4 by qr_pdfx_convert
 * (pdfx.h): page boxes, output intent, XMP, no links.
 */
int qr_pdf_write_interior(const qr_layout *lay, const qr_doc *doc, time_t date, qr_buf *out,
                          qr_error *err);

/* Appends a text trace: pages, runs, positions rounded to 0.01 pt. */
void qr_trace_write(const qr_layout *lay, qr_buf *out);

#endif
