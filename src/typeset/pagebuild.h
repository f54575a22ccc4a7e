/*
 * pagebuild.h: the page builder's state, shared by its steps (internal to
 * src/typeset: pages.c, pageblocks.c, pagefill.c, pagefront.c).
 */
#ifndef QR_PAGEBUILD_H
#define QR_PAGEBUILD_H

#include "para.h"

/*
 * Blocks on the grid: paragraphs and section headings (lines), scene
 * breaks and blank lines (one line), code lines (a code block's source
 * line, its continuations hung), figures (whole: an image and its caption
 * lines, never split by a page), table rows (whole, their cells side by
 * side; a table's header rows repeat atop every page it continues on).
 */
enum { PB_PARA, PB_SUBHEAD, PB_BREAK, PB_BLANK, PB_CODE, PB_FIGURE, PB_ROW };

/* Lists and block quotes indent no deeper than this many levels. */
#define QR_MAX_INDENT 6

typedef struct pblock {
    int kind;
    qr_para para;
    qr_line *lines;
    size_t n_lines;
    int looseness;
    double left, width; /* within the text block */
    double hang;        /* PB_CODE, a verse line (PB_PARA): continuation lines start this
                         * much further in */
    const qr_node *node;
    char marker[24]; /* a list item's marker, hung before its first line */
    /* PB_FIGURE: the image, its size on the page, grid lines it takes
     * (its caption's lines are `lines`, after them) */
    const qr_image *image;
    double img_w, img_h;
    size_t img_rows;
    /* PB_ROW: its cells (para, lines, left and width each); the first block
     * of its table's header (+1, 0 when none); rules above and below */
    struct pblock *cells;
    size_t n_cells;
    size_t header_block;
    int header, rule_above, rule_below;
} pblock;

/* A line of a footnote: a line of one of the chapter's note paragraphs. */
typedef struct fnline {
    size_t para, line;
} fnline;

typedef struct pb {
    const qr_doc *doc;
    const qr_print_options *opt;
    qr_layout *lay;
    qr_fonts *fonts;
    qr_error *err;
    double measure, text_h, y0;
    int lines_per_page;
    /* the chapter being built */
    pblock *blocks;
    size_t n_blocks, cap_blocks;
    /* its footnotes: paragraphs broken at their size, their lines in
     * order, and where each note's lines end (note_end[number - 1]) */
    pblock *fn;
    size_t n_fn, cap_fn;
    fnline *fnl;
    size_t n_fnl, cap_fnl;
    size_t *note_end;
    size_t n_notes, cap_notes;
    const qr_node **note_nodes; /* the chapter's NOTEs, by number - 1 */
    size_t n_note_nodes, cap_note_nodes;
    /* the notes the chapter's own heading calls (set at its opening): the
     * first one's number (0: none), and the footnote line theirs end at */
    int head_note;
    size_t head_fnl;
    /* S_mark_runs: the paragraph and fragment of the last note call found */
    const qr_para *mark_para;
    size_t mark_frag;
    unsigned group; /* the last qr_run.group given */
    double fn_size, fn_leading;
    /* chapter titles for running heads, one per page */
    const char **page_chapter; /* per page: the chapter title in force */
    unsigned char *opening;    /* per page: a chapter opening or blank */
    size_t cap_pages_meta;
    int body_pages_start; /* unused until front matter is prepended */
    const char *book_title;
    /* the book's own title page (qr_doc_title_page): set on the title
     * page, not in its chapter; NULL when the metadata makes it */
    const qr_node *tp_first, *tp_last;
    int small_caps; /* the body font has small capitals; -1 until asked */
    size_t parity_base; /* page index that will be the book's first page */
} pb;

/* A place in a chapter's blocks: a block and a line of it. */
typedef struct pos {
    size_t block, line;
} pos;

/* One page's share of a chapter. */
typedef struct plan {
    pos start, cut;
    int cap;   /* grid lines available */
    int first; /* grid row of the first line (a chapter opening starts lower) */
    /* footnote lines at its foot: [fn_from, fn_to); fn_pend: the lines that
     * notes called on earlier pages need, up to which it must go first */
    size_t fn_from, fn_to, fn_pend;
    /* floats (pagefill.c): the figures waiting at its start are those in
     * [fl_from, start.block); those in [fl_from, fl_to) top it, in fl_rows
     * grid lines; in its text, figures from block `skip` on float away */
    size_t fl_from, fl_to, skip;
    int fl_rows;
} plan;

/* pageblocks.c */
qr_page *qr_pb_new_page(pb *b, const char *chapter, int opening);
/* Left edge of the text block: the inner margin on rectos (odd pages, in
 * a book whose first page is a recto), the outer on versos. */
double qr_pb_left(const pb *b, size_t page_index);
void qr_pb_outline(pb *b, const char *title, int level, double y);
int qr_pb_break(pb *b, pblock *bl, int looseness);
/* The worst badness of a paragraph's lines but its last (TeX §108). */
int qr_pb_worst_badness(const pblock *bl);
/* Whether a paragraph re-broken to fix a page is worse than allowed: a line
 * wider than the measure, or much looser than the tolerance (five times its
 * badness) when the paragraph's own breaking had no such line: the
 * breaker's last passes take anything to reach a line count. */
int qr_pb_rebreak_bad(const pb *b, const pblock *bl, int worst_before);
void qr_pb_free_blocks(pb *b);
/* Lines a block takes on the grid. */
size_t qr_pb_height(const pblock *bl);
/* Grid lines that `lines` footnote lines take with the rule above them. */
int qr_pb_fn_rows(const pb *b, size_t lines);
/*
 * Collects the blocks of a chapter: paragraphs, headings, scene breaks,
 * block quotes (indented both sides), lists (markers hung in the indent,
 * nested lists further in; loose lists with a blank line between items),
 * code blocks and figures. Walks the tree with the iterator: a manuscript
 * nested 10,000 deep costs no stack, and indents at most QR_MAX_INDENT
 * levels.
 */
void qr_pb_collect_blocks(pb *b, const qr_node *chapter);

/* pagefill.c */
/* Places a string centred (or from x when not centred) at baseline y. */
double qr_pb_place_string(pb *b, qr_page *page, const char *text, int face, double size, double x,
                          double width, double y, int centred, int artifact);
/* Text of the front matter, on the page being made. */
double qr_pb_place_block(pb *b, qr_page *page, const char *text, int face, double size, double y);
/* A paragraph of the text centred from baseline y, its line breaks kept,
 * at a size; returns the baseline after its last line. */
double qr_pb_place_para_centred(pb *b, qr_page *page, const qr_node *para, double size, double y);
void qr_pb_chapter(pb *b, const qr_node *ch);

/* pagefront.c */
void qr_pb_heads_and_folios(pb *b, size_t first_body);
int qr_pb_count_contents(const qr_doc *doc);
/* The front matter, laid out after the body: half-title, title page and
 * contents, moved before the body pages. */
size_t qr_pb_front_matter(pb *b, size_t body_pages);
/* Moves the front pages [body_pages, n) before the body and renumbers
 * everything that refers to pages. */
void qr_pb_rotate_front(pb *b, size_t body_pages);

#endif
