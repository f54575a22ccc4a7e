/*
 * fuzz_book.c: libFuzzer target for the whole pipeline in memory, as
 * `quire build` runs it on a one-file book: the input read as Markdown
 * (qr_read_markdown, QR_READ_FIRST | QR_READ_SINGLE) or, when its first
 * byte is odd, as plain text (qr_read_text); then the print layout
 * (qr_typeset with the repository's fonts/ and main.c's defaults), the
 * trace and the statistics, the page starts (pagemap.h), the EPUB with that
 * layout's page-list, and the PDF, both in memory. Images are not resolved
 * (that reads files). Resources are loaded once, from the repository: run
 * from its root, or set QUIRE_DATADIR.
 *
 * Besides crashes, leaks, sanitizer reports and time-outs, the target
 * aborts when a promise of book_check.h is broken:
 *   - a manuscript the reader took is laid out, and written as an EPUB and
 *     a PDF, without an error;
 *   - the page starts are in page order and go forward in document order,
 *     each inside its node's text;
 *   - the EPUB is a zip with `mimetype` first and stored; every XML entry
 *     is well-formed, namespace well-formed XML, with no id given twice;
 *   - every page start gets its marker in a chapter, and the nav's
 *     page-list lists them all;
 *   - the PDF begins with %PDF- and ends with %%EOF.
 *
 *   make fuzz-book (FUZZ_SECONDS=600), built like the other fuzz targets
 *   but with the typesetter and the PDF outputter linked in.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <libxml/parser.h>

#include "book_check.h"
#include "resources.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* Loaded once, kept for the life of the process. */
static qf_resources rs;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    QR_UNUSED(argc);
    QR_UNUSED(argv);
    qr_log_set_level(QR_LOG_QUIET); /* no warnings on stderr */
    qf_resources_load(&rs, "fuzz_book");
    xmlInitParser();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    qf_book_res res = {&rs.style, rs.fonts, 3, &rs.code_font, rs.fonts_dir.ptr};
    char detail[1200];
    const char *bad = qf_book_check(&res, data, size, detail, sizeof detail);
    if (bad) {
        fprintf(stderr, "fuzz_book: %s: %s\n", bad, detail);
        abort();
    }
    return 0;
}
