/*
 * pagemap.h: where each printed page begins in the document (issue 6): the
 * EPUB's page-break markers and page-list come from it.
 */
#ifndef QR_PAGEMAP_H
#define QR_PAGEMAP_H

#include "typeset.h"

typedef struct qr_page_start {
    size_t page;         /* 0-based index in the layout */
    const qr_node *node; /* TEXT, CODE or CODE_BLOCK (borrowed from the document) */
    size_t off;          /* the byte of the node's text the page begins with */
} qr_page_start;

/*
 * Owned (free()): for each page that carries body text, in page order, the
 * place of its first character of body text: document text only (not
 * running heads, folios, list markers or note numbers, which the
 * typesetter makes), and not a footnote's text at the page's foot (a NOTE
 * ancestor tells). Text a page repeats from before (a table's header rows
 * on a page it continues on) does not begin a page: the places only go
 * forward in document order. *n gets the number of entries; NULL when
 * none.
 */
qr_page_start *qr_layout_page_starts(const qr_layout *lay, const qr_doc *doc, size_t *n);

#endif
