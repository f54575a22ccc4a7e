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

typedef struct qr_para {
    qr_item *items; /* box.user: frag index (or -1); hyphen penalty.user: frag of the hyphen */
    size_t n, cap;
    qr_frag *frags;
    size_t n_frags, cap_frags;
    qr_para_style style;
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

/* Natural width of items [start, end) plus the break's width. */
double qr_para_natural(const qr_para *p, const qr_line *line);

/*
 * Places one broken line as runs on a page: left edge x0, baseline y,
 * measure `width`. Justified lines set their glue by the line's ratio;
 * centred and left-aligned lines keep natural spacing.
 */
void qr_para_place_line(const qr_para *p, const qr_line *line, int last, double x0, double y,
                        double width, qr_page *page);

/* Appends a run to a page (grows its array). */
qr_run *qr_page_add_run(qr_page *page);
/* Appends a graphic (rule, image, mark) to a page. */
qr_graphic *qr_page_add_gfx(qr_page *page, qr_gfx_kind kind, double x, double y, double w,
                            double h);

#endif
