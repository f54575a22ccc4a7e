/*
 * fuzz_text.c: libFuzzer target for the plain-text reader. Reads the input
 * as a book's first file and again as a second file of the same book
 * (qr_read_text), then dumps the model (qr_doc_dump). Any crash, leak,
 * sanitizer report or time-out is a bug in the code under test.
 *
 *   make fuzz        (see the Makefile: FUZZ_SECONDS, the seed corpus)
 */
#include <stddef.h>
#include <stdint.h>

#include "doc/doc.h"
#include "read/read.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    QR_UNUSED(argc);
    QR_UNUSED(argv);
    qr_log_set_level(QR_LOG_QUIET); /* no warnings on stderr */
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    qr_doc *doc = qr_doc_new();
    qr_error err;
    qr_error_clear(&err);
    const char *s = (const char *)data;
    if (qr_read_text(doc, "fuzz.txt", s, size, QR_READ_FIRST, &err) == 0) {
        /* a second input of the same book: chapters appended, no metadata */
        qr_read_text(doc, "fuzz2.txt", s, size, 0, &err);
        qr_buf dump = QR_BUF_INIT;
        qr_doc_dump(doc, &dump);
        qr_buf_release(&dump);
    }
    qr_doc_free(doc);
    return 0;
}
