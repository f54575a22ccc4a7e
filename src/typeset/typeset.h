/*
 * typeset.h: the print edition's typesetter. Walks the document model and
 * lays it out in pages: paragraphs are itemized, shaped and hyphenated
 * through Pango, HarfBuzz and libhyphen (para.c), broken into lines by
 * Knuth and Plass's total-fit algorithm (linebreak.c), and stacked into
 * pages on a baseline grid by the page builder (pages.c). Outputters
 * (src/pdf/) draw the result: cairo's PDF surface, or a text trace.
 */
#ifndef QR_TYPESET_H
#define QR_TYPESET_H

#include <pango/pango.h>

#include "../doc/doc.h"
#include "linebreak.h"

#define QR_MM (72.0 / 25.4)
#define QR_IN 72.0

typedef struct qr_print_options {
    double page_w, page_h;           /* points */
    double inner, outer, top, bottom; /* margins, points */
    const char *font_family;         /* e.g. "EB Garamond" */
    double font_size;                /* points */
    double leading;                  /* baseline to baseline, points */
    int recto_chapters;              /* chapters open on a right-hand page */
    const char *fonts_dir;           /* folder added to fontconfig, or NULL */
    qr_break_params breaking;        /* line-breaking parameters */
    int hyphen_left, hyphen_right;   /* shortest fragments (characters) */
    /* Called after each chapter is laid out (a progress line); may be NULL. */
    void (*progress)(void *ctx, int done, int total);
    void *progress_ctx;
    /* What earlier builds set, to reuse (quire watch: layoutcache.h), or
     * NULL; the layout then borrows its fonts from it. */
    struct qr_layout_cache *cache;
} qr_print_options;

/* A5, 20/16/18/22 mm margins, EB Garamond 11 on 14, TeX's defaults. */
void qr_print_options_default(qr_print_options *o);
/* Sets the page size from a name: a5, a4, letter, 5.5x8.5in, 6x9in, or
 * WxH with a unit (mm, cm, in, pt). Returns 0, or -1 if not understood. */
int qr_print_set_trim(qr_print_options *o, const char *name);
/* Parses a length such as "20mm", "0.75in", "11pt" into points; -1 if bad. */
double qr_print_parse_length(const char *s);

/* Shaped text: glyphs of one font for one string (cached, shared). */
typedef struct qr_shape {
    PangoFont *font;
    char *text;
    int len;
    PangoGlyphString *glyphs;
    double width; /* points */
    int rtl;      /* shaped right to left (Hebrew, Arabic) */
    const char *features; /* OpenType features asked for ("" for none) */
} qr_shape;

/* A glyph run placed on a page: glyphs [g0, g1) of a shape, the text
 * bytes [b0, b1) they show. Coordinates in points from the page's top
 * left corner, y at the baseline. */
typedef struct qr_run {
    double x, y;
    const qr_shape *shape;
    int g0, g1;
    int b0, b1;
    unsigned artifact : 1; /* running head or folio: not part of the text */
    unsigned body : 1;     /* a line of body text (for statistics and tests) */
    unsigned space_before : 1; /* a word space comes before it on its line */
    unsigned soft_hyphen : 1;  /* the hyphen of a word broken at the line's end (U+00AD in text) */
    unsigned space_after : 1;  /* its line ends here, broken at a word space */
    /* Font expansion (pdfTeX's hz): the glyphs are drawn (1 + expand)
     * wide, their advances too; 0: as shaped. */
    double expand;
    int link_page;         /* > 0: links to that page (1-based index) */
    double link_y;
    const char *uri;       /* an http(s)/mailto link (borrowed from the document), or NULL */
    /* Where the run's text comes from in the document (issue 6: the EPUB's
     * page-list and the PDF's structure tree): the TEXT or CODE node (or
     * CODE_BLOCK) whose bytes [src_off, ...) the run shows, NULL for text
     * the typesetter made (folios, heads, list markers, note numbers);
     * and the block being set (PARAGRAPH, HEADING, TABLE_CELL, CODE_BLOCK,
     * a NOTE's paragraph...), NULL for the typesetter's own text. */
    const qr_node *src;
    size_t src_off;
    const qr_node *block;
    /* What the typesetter's own text is in the PDF's structure tree
     * (QR_ROLE_*; 0 for the document's text, or an artifact), `group` a
     * number shared by the runs of one element (a title page line, a
     * contents entry); `ref` the NOTE a note call calls. */
    unsigned char role;
    unsigned group;
    const qr_node *ref;
} qr_run;

/* qr_run.role */
enum {
    QR_ROLE_NONE = 0,
    QR_ROLE_FRONT,     /* title and copyright page text: a P per group */
    QR_ROLE_TOC_TITLE, /* "Contents" */
    QR_ROLE_TOC_ENTRY, /* a contents entry (a TOCI per group) */
    QR_ROLE_LABEL,     /* a list item's marker (block: the item's first block) */
    QR_ROLE_NOTE_CALL, /* a note's number in the text (ref: the NOTE) */
    QR_ROLE_CAPTION,   /* a figure's caption (block: the IMAGE; ref: as qr_graphic.after) */
};

/* What a page shows besides glyphs. */
typedef enum {
    QR_GFX_RULE = 0, /* a horizontal rule: from (x, y) w long, h thick (y its centre) */
    QR_GFX_IMAGE,    /* an image in the box x, y (top left), w, h */
    QR_GFX_CONT,     /* a code line's continuation mark in the box x, y, w, h */
} qr_gfx_kind;

typedef struct qr_graphic {
    qr_gfx_kind kind;
    double x, y, w, h;
    const qr_image *image; /* QR_GFX_IMAGE: borrowed from the document */
    const qr_node *node;   /* QR_GFX_IMAGE: its IMAGE node (the structure tree's Figure) */
    /* QR_GFX_IMAGE floated to the top of a page that begins inside this
     * top-level block: the figure is read after it (NULL: in its place) */
    const qr_node *after;
} qr_graphic;

typedef struct qr_page {
    qr_run *runs;
    size_t n_runs, cap;
    qr_graphic *gfx;
    size_t n_gfx, cap_gfx;
    char folio[32]; /* as printed ("vii", "12"), or "" when none is printed */
    int number;     /* the page's folio as a number, 0 in the front matter */
} qr_page;

typedef struct qr_outline_item {
    const char *title; /* arena */
    int level;         /* 1, 2, 3 */
    int page;          /* 0-based page index */
    double y;
} qr_outline_item;

typedef struct qr_layout_stats {
    size_t lines;        /* justified lines of body text (last lines excluded) */
    size_t last_lines;
    size_t ratio_over_half, ratio_over_one;
    double ratio_max;
    double ratio_sum_abs;
    size_t hyphenated;
    size_t hyphen_run_max;
    size_t overfull;
    double overflow_max;
    size_t widows, orphans;
    size_t short_pages;  /* pages ended early to avoid a widow or orphan */
    size_t uneven_spreads; /* facing full pages that end on different lines */
    size_t pages;
    size_t rebroken;     /* paragraphs re-broken with looseness +-1 */
    size_t floats;       /* figures floated to the top of a later page */
    /* body lines (last lines too) hanging a character into the margin */
    size_t protruded, protruded_left, protruded_right;
    /* justified body lines (last lines excluded) set with font expansion,
     * the sum and the largest of |expansion| (fractions) */
    size_t expanded;
    double expansion_sum, expansion_max;
} qr_layout_stats;

typedef struct qr_layout {
    qr_arena *arena;
    qr_page *pages;
    size_t n_pages, cap_pages;
    qr_outline_item *outline;
    size_t n_outline, cap_outline;
    double page_w, page_h;
    qr_layout_stats stats;
    struct qr_fonts *fonts; /* owns the shapes the runs point to */
} qr_layout;

/* Owned: the laid-out book (free with qr_layout_free), or NULL with err. */
qr_layout *qr_typeset(const qr_doc *doc, const qr_print_options *opt, qr_error *err);
void qr_layout_free(qr_layout *lay);

/* Appends the layout statistics (`quire build --stats`) as text. */
void qr_layout_stats_print(const qr_layout *lay, qr_buf *out);

#endif
