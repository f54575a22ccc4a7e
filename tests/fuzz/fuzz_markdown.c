/*
 * fuzz_markdown.c: libFuzzer target for the Markdown reader. Reads the
 * input as a one-file book (front matter as book metadata) and again as a
 * second file of a book (front matter as a chapter's title), then dumps the
 * model. Images are not resolved (that reads files). Any crash, leak,
 * sanitizer report or time-out is a bug in the code under test.
 *
 *   clang ... -fsanitize=fuzzer,address,undefined tests/fuzz/fuzz_markdown.c
 *   (built like the Makefile's other fuzz targets)
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
    if (qr_read_markdown(doc, "fuzz.md", s, size, QR_READ_FIRST | QR_READ_SINGLE, &err) == 0) {
        qr_read_markdown(doc, "fuzz2.md", s, size, 0, &err);
        qr_buf dump = QR_BUF_INIT;
        qr_doc_dump(doc, &dump);
        qr_buf_release(&dump);
    }
    qr_doc_free(doc);
    return 0;
}
