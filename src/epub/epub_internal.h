/*
 * epub_internal.h: the parts of the EPUB writer (not for other modules).
 *
 *   xml.c        qr_xw: libxml2's xmlTextWriter writing into a qr_buf
 *   book.c       the plan: which content documents, their titles, the
 *                book's title, language, identifier and time stamp
 *   xhtml.c      one XHTML content document per unit
 *   front.c      the title page and the copyright page
 *   package.c    package document, navigation document, NCX, container.xml
 *   container.c  the OCF zip container and qr_epub_write
 */
#ifndef QR_EPUB_INTERNAL_H
#define QR_EPUB_INTERNAL_H

#include <libxml/xmlwriter.h>

#include "base/ptrmap.h"
#include "epub.h"

/* Where things live inside the container (EPUB 3.3 OCF: any layout is allowed
 * once META-INF/container.xml names the package document). */
#define QR_EPUB_DIR "EPUB/"
#define QR_EPUB_OPF "package.opf"
#define QR_EPUB_NAV "nav.xhtml"
#define QR_EPUB_NCX "toc.ncx"
#define QR_EPUB_TEXT_DIR "text/"
#define QR_EPUB_STYLE_DIR "styles/"
#define QR_EPUB_FONT_DIR "fonts/"
#define QR_EPUB_IMAGE_DIR "images/"
#define QR_EPUB_COVER_PAGE "text/cover.xhtml"
#define QR_EPUB_TITLE_PAGE "text/titlepage.xhtml"
#define QR_EPUB_COPYRIGHT_PAGE "text/copyright.xhtml"
#define QR_EPUB_CODE_CSS "styles/code.css"

#define QR_NS_XHTML "http://www.w3.org/1999/xhtml"
#define QR_NS_OPS "http://www.idpf.org/2007/ops"

/* qr_xw --------------------------------------------------------------------
 * An XML document being written by xmlTextWriter into a qr_buf. Calls after
 * a failure do nothing; qr_xw_end reports the first failure. Text and
 * attribute values are copied with characters XML 1.0 does not allow (C0
 * and C1 controls, U+FFFE, U+FFFF, bad UTF-8) dropped or replaced by U+FFFD;
 * the escaping itself is libxml2's.
 */
typedef struct qr_xw {
    xmlTextWriterPtr w;
    qr_buf scratch; /* the cleaned copy of a text or attribute value */
    int failed;
} qr_xw;

/* Starts a document (XML declaration, UTF-8) appending to out, which must
 * outlive the writer. x->scratch is kept across documents: zero-initialise x
 * once with qr_xw_init, and release it with qr_xw_release. */
void qr_xw_init(qr_xw *x);
int qr_xw_begin(qr_xw *x, qr_buf *out, qr_error *err);
/* Closes open elements, flushes into out, frees the writer. Returns 0 or -1
 * with err set (QR_EX_SOFTWARE) if any call failed. Safe after a failed begin. */
int qr_xw_end(qr_xw *x, const char *what, qr_error *err);
void qr_xw_release(qr_xw *x);
void qr_xw_doctype_html(qr_xw *x);
void qr_xw_start(qr_xw *x, const char *name);
void qr_xw_close(qr_xw *x);
void qr_xw_attr(qr_xw *x, const char *name, const char *value);
void qr_xw_attr_int(qr_xw *x, const char *name, long value);
void qr_xw_text(qr_xw *x, const char *s, size_t len);
void qr_xw_texts(qr_xw *x, const char *s);
/* Whitespace between elements, for a readable file: a newline. */
void qr_xw_nl(qr_xw *x);
/* <name>text</name> */
void qr_xw_element(qr_xw *x, const char *name, const char *text);

/* The plan --------------------------------------------------------------- */

/* A heading inside a unit listed in the navigation (h2 and h3). */
typedef struct qr_epub_heading {
    const char *label; /* arena: its text, never empty */
    int depth;         /* 1: under the unit's entry; 2: under the h2 before it */
    int number;        /* its id is "heading-NUMBER" */
} qr_epub_heading;

/* One content document: a CHAPTER node, or a run of blocks that stand
 * directly under the DOCUMENT (they get a document of their own). */
typedef struct qr_epub_unit {
    const qr_node *chapter; /* the CHAPTER, or NULL for a run */
    const qr_node *first;   /* the top-level nodes written: first..last */
    const qr_node *last;
    const qr_node *title; /* the title HEADING, or NULL */
    qr_chapter_kind kind;
    int nested;             /* listed inside the part before it */
    int has_nested;         /* a part with chapters listed inside it */
    const char *label;      /* arena: nav label, never empty */
    const char *title_text; /* arena: the heading's text, or NULL */
    const char *lang;       /* the unit's language (valid BCP 47 shape) */
    const char *source;     /* the file the chapter was read from, or NULL */
    qr_epub_heading *headings; /* arena: the h2 and h3 for the navigation */
    int n_headings;
    int n_heading_ids;      /* headings with an id: "heading-1".."heading-N" */
    int has_code;           /* holds CODE or CODE_BLOCK */
    int title_page;         /* the book's own title page: text/titlepage.xhtml, no toc entry */
    char id[32];            /* manifest id, e.g. "chapter-001" */
    char href[48];          /* from EPUB/, e.g. "text/chapter-001.xhtml" */
} qr_epub_unit;

/* An image stored in the container (once, however often it is used). */
typedef struct qr_epub_image {
    const qr_image *image;
    char id[24];    /* manifest id, e.g. "image-001" */
    char href[96];  /* from EPUB/, e.g. "images/map.png" */
} qr_epub_image;

typedef struct qr_epub_book {
    const qr_doc *doc;
    const qr_epub_options *opt;
    qr_arena *arena;     /* owned: labels and other strings */
    qr_epub_unit *units; /* owned array */
    int n_units;
    int first_body;         /* index of the first body or part unit, or -1 */
    int nav_pos;            /* the nav document comes before this unit in the spine */
    int nav_depth;          /* 1..4: part, chapter, h2, h3 */
    qr_epub_image *images;  /* owned array, in order of first use */
    int n_images;
    int has_code;           /* some unit holds code: the code font is embedded */
    int own_title_page;     /* units[0] is the book's own title page: none is made */
    const char *title;      /* never empty */
    const char *subtitle;   /* or NULL */
    const char *lang;       /* the book's language, never empty */
    const char *identifier; /* dc:identifier, never empty */
    const char *isbn_urn;   /* "urn:isbn:..." when the book has an ISBN, else NULL */
    const char *cover_href; /* from EPUB/, e.g. "images/cover.jpg"; NULL: no cover */
    char modified[24];      /* "YYYY-MM-DDThh:mm:ssZ" */
    const char *css_href;   /* from EPUB/, e.g. "styles/book.css" */
    int n_alt, n_no_alt;    /* stored images of the text with and without alt text */
    /* The print edition's pages (opt->pages): the first page beginning in
     * each text node (node -> index), and the unit each page's marker was
     * written in (owned, -1 until it is: the chapters are written before the
     * navigation, which lists only the markers written). */
    qr_ptrmap page_at;
    int *page_unit;
} qr_epub_book;

/* Fills bk (which it owns until qr_epub_book_free). Returns 0 or -1. */
int qr_epub_plan(qr_epub_book *bk, const qr_doc *doc, const qr_epub_options *opt, qr_error *err);
void qr_epub_book_free(qr_epub_book *bk);

/* The level (1..6) of the element a heading of u becomes: the unit's title
 * is h1; the headings under it keep their distance from it, at h2 or below. */
int qr_epub_heading_level(const qr_epub_unit *u, const qr_node *h);
/* Borrowed: the stored image for img, or NULL when it is not stored (no
 * bytes, or a media type EPUB 3.3 does not list among its core types). */
const qr_epub_image *qr_epub_find_image(const qr_epub_book *bk, const qr_image *img);
/* Whether the code font is embedded (the book has code and a font is given). */
int qr_epub_code_font(const qr_epub_book *bk);

/* Writes t as UTC "YYYY-MM-DDThh:mm:ssZ" (clamped to years 1970..9999). */
void qr_epub_format_time(time_t t, char out[24]);
/* Writes "urn:uuid:" and a UUID (version 8, RFC 4122 variant) made from the
 * SHA-256 of data. */
void qr_epub_content_uuid(const char *data, size_t len, qr_buf *out);

/* Documents. Each appends a whole XML file to out. ----------------------- */
/* An XHTML content document's start (doctype, <html> with the namespaces
 * and xml:lang/lang, <head> with the title and the stylesheet, and a second
 * one when css2_href is not NULL, <body>) and its end. */
void qr_epub_page_start(qr_xw *x, const char *lang, const char *title, const char *css_href,
                        const char *css2_href);
void qr_epub_page_end(qr_xw *x);
/* Writes a unit's content document; records the page markers written in
 * bk->page_unit. */
int qr_epub_write_chapter(const qr_epub_book *bk, const qr_epub_unit *u, qr_xw *x, qr_buf *out,
                          qr_error *err);
/* The number of page markers the chapters wrote (those the page-list lists). */
int qr_epub_pages_written(const qr_epub_book *bk);
int qr_epub_write_opf(const qr_epub_book *bk, qr_xw *x, qr_buf *out, qr_error *err);
int qr_epub_write_nav(const qr_epub_book *bk, qr_xw *x, qr_buf *out, qr_error *err);
int qr_epub_write_ncx(const qr_epub_book *bk, qr_xw *x, qr_buf *out, qr_error *err);
int qr_epub_write_container_xml(qr_xw *x, qr_buf *out, qr_error *err);
/* The cover page (QR_EPUB_COVER_PAGE): the cover image, alone. */
int qr_epub_write_cover(const qr_epub_book *bk, qr_xw *x, qr_buf *out, qr_error *err);
/* The title page (QR_EPUB_TITLE_PAGE) and the copyright page
 * (QR_EPUB_COPYRIGHT_PAGE), from the metadata (front.c). */
int qr_epub_write_titlepage(const qr_epub_book *bk, qr_xw *x, qr_buf *out, qr_error *err);
int qr_epub_write_copyright(const qr_epub_book *bk, qr_xw *x, qr_buf *out, qr_error *err);
/* The stylesheet with the code font's @font-face (QR_EPUB_CODE_CSS). */
void qr_epub_code_css(const qr_epub_book *bk, qr_buf *out);

#endif
