/*
 * pdfdraw.h: the PDF outputter's steps and the state they share (internal
 * to src/pdf: pdf.c, pdftext.c, pdfimage.c, pdftag.c, pdfupdate.c).
 */
#ifndef QR_PDFDRAW_H
#define QR_PDFDRAW_H

#include <cairo-pdf.h>
#include <pango/pangocairo.h>

#include "../base/ptrmap.h"
#include "pdf.h"

/*
 * A line's runs of one font, drawn by one cairo_show_text_glyphs: glyphs
 * at their own positions, the words' text with a space between them, and
 * clusters tying the two (so text extraction and copying give the words
 * back, ligatures included). One call a line, not a word: cairo's PDF
 * surface tracks every drawing operation in a region, which grows costly.
 */
typedef struct batch {
    cairo_glyph_t *glyphs;
    size_t n_glyphs, cap_glyphs;
    cairo_text_cluster_t *clusters;
    size_t n_clusters, cap_clusters;
    qr_buf text;
    /* where the last run drawn ends (its glyphs' advance), and its baseline */
    double x_end, y_end;
    /* the next cluster takes in the last one (a space in a narrow gap) */
    int join;
    double expand; /* the runs' font expansion (qr_run.expand): one a batch */
} batch;
/* An element to be open while something is drawn: its structure type (or
 * CAIRO_TAG_LINK), what makes it the same element from one drawing to the
 * next (a node and a number), whether it holds the content itself, and
 * for a link its first run (its attributes). */
typedef struct qr_tag_elem {
    const char *type;
    const void *id;
    size_t aux;
    int leaf;
    const qr_run *run;
} qr_tag_elem;

/* Deeper nesting (a list 10,000 deep) keeps its outermost levels. */
#define QR_TAG_MAX_DEPTH 40

typedef struct qr_tag_path {
    qr_tag_elem e[QR_TAG_MAX_DEPTH];
    int n;
} qr_tag_path;

/* qr_ptrmap values of `blocks`: a block's first page (+ 1) << 2 and: */
#define QR_TAG_SPLIT 1u /* its text runs over a page break */
#define QR_TAG_MIXED 2u /* it has elements inside (a link, a code span, a note) */

/* A page's drawing, in document order: k1 a node's place in the document,
 * k2 a byte in it, seq its place on the page. */
typedef struct qr_tag_item {
    size_t k1, k2, seq;
    const qr_run *run;
    const qr_graphic *gfx;
} qr_tag_item;

#define QR_TAG_BIG ((size_t)1 << 40)
typedef struct qr_tagger {
    cairo_t *cr;
    const qr_doc *doc;
    qr_ptrmap order;  /* node -> place in document order (pre-order, from 1) */
    qr_ptrmap blocks; /* block node -> first page and QR_TAG_SPLIT, QR_TAG_MIXED */
    qr_tag_elem stack[QR_TAG_MAX_DEPTH];
    int depth;
    qr_buf attr;
    qr_buf alts; /* the figures' alt texts, in the order of their tags, NUL after each */
    size_t n_alts;
    const qr_node **up; /* scratch: a node's ancestors */
    size_t cap_up;
    /* the base path of the last block asked for */
    const qr_node *cached;
    int cached_role;
    qr_tag_path path;
    qr_tag_item *items;
    size_t cap_items;
} qr_tagger;

/* pdftext.c */
cairo_status_t qr_pdf_buf_write(void *closure, const unsigned char *data, unsigned int length);
/* Draws glyphs [g0, g1) of a shape at the current point, with their text. */
void qr_pdf_show_run(cairo_t *cr, const qr_run *r, int *clusters, size_t cap);
/* Adds one left-to-right run: its glyphs from x, its text and clusters. */
void qr_pdf_batch_run(batch *bt, const qr_run *r);
/* The word space before run r, when it has one and follows the last run
 * drawn on its line: a glyph read as U+0020, within the gap. */
void qr_pdf_batch_space(batch *bt, const qr_run *r);
/* Notes where a run drawn by itself ends (the next space starts there). */
void qr_pdf_batch_after(batch *bt, const qr_run *r);
void qr_pdf_batch_flush(cairo_t *cr, batch *bt, PangoFont *font);
/* A link's attributes for cairo_tag_begin: uri='...' with ' and \
 * escaped (cairo's attribute syntax). */
void qr_pdf_uri_attr(qr_buf *out, const char *uri);

/* pdfimage.c */
/*
 * Owned: the cover as a cairo surface (destroy it), or NULL with err set.
 * A PNG is decoded by cairo; a JPEG is passed through as it is: its bytes
 * are attached (CAIRO_MIME_TYPE_JPEG) to a blank image surface of its size,
 * and cairo's PDF surface embeds them (DCTDecode) instead of the pixels.
 * The bytes are the document's and outlive the surface.
 */
cairo_surface_t *qr_pdf_image_surface(const char *data, size_t len, const char *type, int w, int h,
                                      const char *what, qr_error *err);
cairo_surface_t *qr_pdf_cover_surface(const qr_meta *m, qr_error *err);
/* The same for the print edition: decoded (JPEGs too) and in the output
 * intent's grey (pdfx.h). */
cairo_surface_t *qr_pdf_print_image(const char *data, size_t len, const char *type, int w, int h,
                                    const char *what, qr_error *err);

/* pdftag.c */
int qr_tag_is_open(const qr_tagger *t, const qr_tag_path *p);
/* The whole path of an item: base, and the inline element of a run. */
void qr_tag_item_path(qr_tagger *t, const qr_tag_item *it, size_t page, qr_tag_path *out);
void qr_tag_tagger_init(qr_tagger *t, cairo_t *cr, const qr_doc *doc, const qr_layout *lay);
void qr_tag_tagger_free(qr_tagger *t);
void qr_tag_close_to(qr_tagger *t, int depth);
/* Opens and closes tags so that the open ones are `p`. Returns whether
 * anything changed. */
int qr_tag_sync(qr_tagger *t, const qr_tag_path *p);
/* Closes the elements that hold content (before a page's artifacts). */
void qr_tag_close_leaves(qr_tagger *t);
/* A page's text and figures in document order (see qr_tag_item). */
size_t qr_tag_page_items(qr_tagger *t, const qr_page *p);

/* pdfupdate.c */
/* Appends the update to cairo's file in out (see above). */
int qr_pdf_update(qr_buf *out, const char *lang, const qr_buf *alts, size_t n_alts, qr_error *err);

#endif
