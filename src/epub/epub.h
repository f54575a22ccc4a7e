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

/* Where a printed page begins (issue 6): a page-break marker goes before
 * byte `off` of the text of `node` (a TEXT, CODE or CODE_BLOCK). */
typedef struct qr_epub_page {
    const qr_node *node; /* borrowed from the document */
    size_t off;
    const char *label; /* the folio as printed: "vii", "12" (never empty) */
} qr_epub_page;

/* Accessibility metadata given by the author (book.yaml's accessibility:);
 * what is not given (NULL, or a count of 0) is the writer's default. */
typedef struct qr_epub_a11y {
    const char *summary;
    const char *const *features; /* schema:accessibilityFeature values */
    int n_features;
    const char *const *hazards;
    int n_hazards;
    const char *const *modes; /* schema:accessMode */
    int n_modes;
    const char *const *sufficient; /* schema:accessModeSufficient, each "textual,visual" */
    int n_sufficient;
    const char *conforms_to; /* dcterms:conformsTo */
} qr_epub_a11y;

typedef struct qr_epub_options {
    const qr_resource *stylesheet; /* required */
    const qr_resource *fonts;      /* may be NULL when n_fonts is 0 */
    int n_fonts;
    /* The monospace face for code (e.g. NotoSansMono-Regular.ttf, "font/ttf"),
     * embedded only in a book that has code; may be NULL. */
    const qr_resource *code_font;
    time_t modified;               /* dcterms:modified and zip timestamps */
    /* The print edition's pages, in order (n_pages 0: no page-list). */
    const qr_epub_page *pages;
    int n_pages;
    const qr_epub_a11y *a11y; /* may be NULL: the defaults */
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
