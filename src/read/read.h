/*
 * read.h: readers. Each turns one input into nodes of the document model,
 * through the builder (doc.h).
 */
#ifndef QR_READ_H
#define QR_READ_H

#include "../doc/doc.h"

enum {
    /* This is the book's first input: its title line or Gutenberg header
     * gives the book's title and metadata. */
    QR_READ_FIRST = 1 << 0,
};

/*
 * Reads a plain-text manuscript (UTF-8, optional BOM, LF or CRLF) and
 * appends its chapters to doc. Project Gutenberg texts are recognised by
 * their header. `file` names the input in diagnostics and must outlive doc.
 * Returns 0, or -1 with err set (QR_EX_DATAERR for bad input).
 */
int qr_read_text(qr_doc *doc, const char *file, const char *data, size_t len, int flags,
                 qr_error *err);

#endif
