/*
 * para.h: a paragraph as the line breaker sees it (internal).
 *
 * The paragraph's inline text is itemized by Pango (fonts, scripts,
 * fallback), cut into words at spaces and at the break opportunities of
 * UAX #14, shaped word by word (cached), and hyphenated with libhyphen.
 * The result is Knuth and Plass's box/glue/penalty list: a box per word
 * or word fragment (a qr_frag says which glyphs it shows), glue per space,
 * a flagged penalty per hyphenation point.
 */
#ifndef QR_PARA_H
#define QR_PARA_H

#include "fonts.h"
#include "linebreak.h"

/* Glyphs [g0, g1) of a shape, showing bytes [b0, b1) of its text. */
typedef struct qr_frag {
    const qr_shape *shape;
    int g0, g1, b0, b1;
    /* where byte b0 stands in the paragraph's text, or -1 for text the
     * typesetter made (a hyphen at a break) */
    int off;
    double width;
    /* decorations, from the inline markup around the text */
    const char *uri; /* inside an http(s)/mailto LINK (borrowed from the document) */
    double rise;     /* raised this much above the baseline (a note's number) */
    int note;        /* > 0: the number of the NOTE this fragment calls */
    unsigned strike : 1;
} qr_frag;

typedef enum { QR_ALIGN_JUSTIFY = 0, QR_ALIGN_CENTER, QR_ALIGN_LEFT, QR_ALIGN_RIGHT } qr_align;

typedef struct qr_para_style {
    int face;        /* QR_FACE_* for plain text; emphasis switches it */
    double size;     /* points */
    double indent;   /* first-line indent, points */
    qr_align align;
    int hyphenate;
    /* lining, tabular figures (QR_FACE_LINING): tables and the contents */
    int lining;
    /* in small capitals (QR_FACE_SMALL_CAPS): a play's speaker's label */
    int small_caps;
    /* > 0: words wider than this may break between any two characters (an
     * emergency for words longer than the measure) */
    double break_long;
    /* > 0: NOTEs in the text are set as superscript numbers from this one
     * on (numbered per chapter by the caller); 0: they are left out */
    int note_first;
    /* a label set before the text, followed by an en space (a footnote's
     * number), or NULL */
    const char *label;
} qr_para_style;

/* Where the paragraph's text comes from (issue 6): from paragraph byte
 * `start` on (up to the next entry's start), the bytes of `node` (a TEXT,
 * CODE or CODE_BLOCK) from `off`; node NULL for text the typesetter made
 * (a label, a note's number, the space between table cells). */
typedef struct qr_para_src {
    size_t start;
    const qr_node *node;
    size_t off;
} qr_para_src;

typedef struct qr_para {
    qr_item *items; /* box.user: frag index (or -1); hyphen penalty.user: frag of the hyphen */
    size_t n, cap;
    qr_frag *frags;
    size_t n_frags, cap_frags;
    qr_para_style style;
    qr_para_src *srcs; /* in order of start; none: no text from the document */
    size_t n_srcs, cap_srcs;
    /* its entry in the layout cache (borrowed; its lines are kept there
     * too), or NULL */
    struct qr_lc_para *cached;
} qr_para;

/*
 * Builds the item list of a paragraph or heading node. `lang` is the
 * node's language. Returns 0; an empty paragraph gives n == 0.
 */
int qr_para_build(qr_fonts *f, const qr_node *node, const qr_para_style *st,
                  const qr_print_options *opt, const char *lang, qr_para *p);
/* Builds one line of a code block: monospace (st->face QR_FACE_MONO), its
 * spaces kept (leading ones as a fixed indent), breaks only at spaces or,
 * in a word wider than st->break_long, between characters. */
int qr_para_build_code(qr_fonts *f, const char *text, int len, const qr_para_style *st,
                       const qr_print_options *opt, const char *lang, qr_para *p);
/* Whether a LINK's url becomes a link annotation: http, https, mailto. */
int qr_link_allowed(const char *url);
/* Builds the items of a plain string (contents entries, ornaments). */
int qr_para_build_text(qr_fonts *f, const char *text, const qr_para_style *st,
                       const qr_print_options *opt, const char *lang, qr_para *p);
void qr_para_free(qr_para *p);
/* Says that the paragraph's text from byte `start` on shows the bytes of
 * `node` from `off` (NULL: the typesetter's own text). qr_para_build
 * records its sources itself; a paragraph built from a string (a code
 * line, qr_para_build_text) has none until told. Calls go in order of
 * start. */
void qr_para_add_src(qr_para *p, size_t start, const qr_node *node, size_t off);

/* Natural width of items [start, end) plus the break's width. */
double qr_para_natural(const qr_para *p, const qr_line *line);

/*
 * Places one broken line as runs on a page: left edge x0, baseline y,
 * measure `width`. Justified lines set their glue by the line's ratio;
 * centred and left-aligned lines keep natural spacing. Each run names the
 * document text it shows (qr_run.src, src_off) from the paragraph's
 * sources.
 */
void qr_para_place_line(const qr_para *p, const qr_line *line, int last, double x0, double y,
                        double width, qr_page *page);

/* Appends a run to a page (grows its array). */
qr_run *qr_page_add_run(qr_page *page);
/* Appends a graphic (rule, image, mark) to a page. */
qr_graphic *qr_page_add_gfx(qr_page *page, qr_gfx_kind kind, double x, double y, double w,
                            double h);

#endif
