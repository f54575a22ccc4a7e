/*
 * epub.h: the EPUB 3 writer. Walks the document model and produces a whole
 * EPUB container in memory.
 */
#ifndef QR_EPUB_H
#define QR_EPUB_H

#include <time.h>

#include "../doc/doc.h"

/* A file to embed: its name inside the package, its bytes, its media type. */
typedef struct qr_resource {
    const char *name; /* e.g. "EBGaramond12-Regular.otf" */
    const char *data;
    size_t len;
    const char *media_type; /* e.g. "font/otf", "text/css" */
} qr_resource;

typedef struct qr_epub_options {
    const qr_resource *stylesheet; /* required */
    const qr_resource *fonts;      /* may be NULL when n_fonts is 0 */
    int n_fonts;
    /* The monospace face for code (e.g. NotoSansMono-Regular.ttf, "font/ttf"),
     * embedded only in a book that has code; may be NULL. */
    const qr_resource *code_font;
    time_t modified;               /* dcterms:modified and zip timestamps */
    /* Called after each chapter is written (for a progress line); may be NULL. */
    void (*progress)(void *ctx, int done, int total);
    void *progress_ctx;
} qr_epub_options;

/*
 * Writes the EPUB for doc into out (appended). The same document and options
 * always give the same bytes. Returns 0, or -1 with err set.
 */
int qr_epub_write(const qr_doc *doc, const qr_epub_options *opt, qr_buf *out, qr_error *err);

#endif
